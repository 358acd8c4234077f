"use strict";
(function () {
  const texts = JSON.parse(document.getElementById("copy-texts").textContent);
  const status = document.getElementById("copy-status");

  function say(message) {
    status.textContent = message;
  }

  function copyByHand(text) {
    // Where the Clipboard API is refused: a hidden textarea and the copy command.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    const done = document.execCommand("copy");
    area.remove();
    return done;
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const note = texts[button.dataset.note];
    const text = note[button.dataset.copy];
    const what = button.textContent.replace(/^Copy /, "");
    const copied = function () { say("Copied " + what + " to the clipboard."); };
    const failed = function () {
      if (copyByHand(text)) copied();
      else say("Could not copy: select the text and copy it yourself.");
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(copied, failed);
    else failed();
  });

  const deadline = document.getElementById("deadline");
  if (deadline && deadline.dataset.sendBy) {
    const sendBy = new Date(deadline.dataset.sendBy);
    const when = sendBy.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" });
    const tick = function () {
      const left = sendBy.getTime() - Date.now();
      if (left <= 0) {
        deadline.textContent = deadline.dataset.overdue;
        return;
      }
      const minutes = Math.floor(left / 60000);
      const hours = Math.floor(minutes / 60);
      deadline.textContent = "send by " + when + ": " +
        (hours ? hours + " h " + (minutes % 60) + " min left" : minutes + " min left");
    };
    tick();
    setInterval(tick, 30000);
  }
})();
