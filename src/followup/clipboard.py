"""Putting one note on the system clipboard through the platform's own tool, where there is one."""

from __future__ import annotations

import shutil
import subprocess

# Tried in this order: macOS, Wayland, X11 (two tools), Windows and WSL.
TOOLS = (("pbcopy",), ("wl-copy",), ("xclip", "-selection", "clipboard"), ("xsel", "--clipboard", "--input"), ("clip.exe",))


def copy(text: str) -> str | None:
    """Copy ``text``; the name of the tool that took it, or None when no tool here could."""
    for name, *arguments in TOOLS:
        path = shutil.which(name)
        if path is None:
            continue
        data = text.encode("utf-16") if name == "clip.exe" else text.encode()  # clip.exe reads UTF-16 with a BOM
        try:
            # Output to /dev/null: xclip and wl-copy stay behind to serve the clipboard, holding no pipe of ours.
            done = subprocess.run([path, *arguments], input=data, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, timeout=5, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue  # e.g. xclip with no X display: try the next tool
        if done.returncode == 0:
            return name
    return None


def tool_names() -> str:
    return ", ".join(name for name, *_ in TOOLS)
