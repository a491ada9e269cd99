"""repro's notebook runner: executes a Jupyter notebook headless for a `notebook:` experiment.

    python3 run_notebook.py --notebook NB.ipynb --out DIR [--kernel python3] [--parameter NAME=VALUE]...

Parameters go into a new code cell tagged "injected-parameters", placed after the cell tagged
"parameters" (papermill's rule), else first; an earlier injected cell is replaced. A value is
typed after repro substituted its placeholders: an optionally signed whole number becomes an
int, a decimal number (1.5, .5, 1e-3, 2.) a float, true/True and false/False a bool, anything
else stays a string. Cells run one by one in the notebook's own folder; each cell's text output
(stdout and stderr streams, the text/plain of its result, an error's traceback) is copied to
this process's stdout or stderr as it arrives, so repro reads metrics from it as from any
program. The executed notebook is written to DIR/notebook.ipynb, also when a cell fails; a
failure ends with one line on stderr naming the cell, then exit status 1. SIGTERM stops the
kernel and writes what ran so far."""
import argparse
import logging
import os
import re
import signal
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
WHOLE = re.compile(r"[-+]?[0-9]+")
DECIMAL = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][-+]?[0-9]+)?")


def typed(text):
    if WHOLE.fullmatch(text):
        return int(text)
    if DECIMAL.fullmatch(text):
        return float(text)
    if text in ("true", "True"):
        return True
    if text in ("false", "False"):
        return False
    return text


def say(line):
    sys.stdout.flush()
    sys.stderr.write("repro-notebook: %s\n" % line)
    sys.stderr.flush()


class Terminated(Exception):
    pass


def on_sigterm(signum, frame):
    raise Terminated()


def main():
    parser = argparse.ArgumentParser(description="Executes a notebook for repro.")
    parser.add_argument("--notebook", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--kernel", default="python3")
    parser.add_argument("--parameter", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()

    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, DeadKernelError
    except ImportError as error:
        say("%s cannot import nbclient/nbformat (%s): install python3-nbclient, python3-nbformat and "
            "python3-ipykernel (Debian), or set the experiment's 'python' to an interpreter that has them"
            % (sys.executable, error))
        return 2

    parameters = []
    for item in args.parameter:
        name, _, value = item.partition("=")
        if not name.isidentifier():
            say("parameter %r is not a Python variable name" % name)
            return 2
        parameters.append((name, typed(value)))

    try:
        notebook = nbformat.read(args.notebook, as_version=4)
    except Exception as error:
        say("cannot read the notebook %s: %s" % (args.notebook, error))
        return 2

    # Where each cell was in the notebook as written (1-based, and among code cells), for messages.
    positions, code = [], 0
    for index, cell in enumerate(notebook.cells):
        code += cell.cell_type == "code"
        positions.append((index + 1, code if cell.cell_type == "code" else None))
    if parameters:
        kept = [(c, p) for c, p in zip(notebook.cells, positions)
                if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
        cells = [c for c, _ in kept]
        positions = [p for _, p in kept]
        source = "# Parameters injected by repro\n" + "\n".join("%s = %r" % (n, v) for n, v in parameters)
        injected = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
        at = next((i + 1 for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
        cells.insert(at, injected)
        positions.insert(at, None)
        notebook.cells = cells

    class StreamingClient(NotebookClient):
        """Copies each output to this process's stdout/stderr as the kernel sends it."""

        def output(self, outs, msg, display_id, cell_index):
            out = super().output(outs, msg, display_id, cell_index)
            if out is None:
                return out
            if out.output_type == "stream":
                stream = sys.stderr if out.get("name") == "stderr" else sys.stdout
                stream.write(out.get("text", ""))
                stream.flush()
            elif out.output_type == "execute_result" and "text/plain" in out.get("data", {}):
                sys.stdout.write(out["data"]["text/plain"] + "\n")
                sys.stdout.flush()
            elif out.output_type == "error":
                sys.stdout.flush()
                sys.stderr.write(ANSI.sub("", "\n".join(out.get("traceback", []))) + "\n")
                sys.stderr.flush()
            return out

    # ipykernel's debugger otherwise warns about frozen modules on every start.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    folder = os.path.dirname(os.path.abspath(args.notebook))
    client = StreamingClient(notebook, kernel_name=args.kernel, timeout=None,
                             resources={"metadata": {"path": folder}})
    output_path = os.path.join(args.out, "notebook.ipynb")

    def describe(index):
        if positions[index] is None:
            return "the injected parameters cell"
        cell, code_cell = positions[index]
        return "cell %d (code cell %d)" % (cell, code_cell) if code_cell else "cell %d" % cell

    signal.signal(signal.SIGTERM, on_sigterm)
    status, current = 0, None
    try:
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                current = index
                client.execute_cell(cell, index)
    except CellExecutionError as error:
        say("%s failed: %s: %s" % (describe(current), error.ename, error.evalue))
        status = 1
    except DeadKernelError as error:
        say("%s failed: the kernel died (%s)" % (describe(current) if current is not None else "startup", error))
        status = 1
    except Terminated:
        # The interrupted cell's task ends later, with nobody to read its error: not news.
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        stop_kernel(client)
        say("stopped by SIGTERM%s" % (" in %s" % describe(current) if current is not None else ""))
        status = 128 + signal.SIGTERM
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            nbformat.write(notebook, output_path)
        except Exception as error:
            say("cannot write the executed notebook to %s: %s" % (output_path, error))
            status = status or 1
    return status


def stop_kernel(client):
    """Ends the kernel when a signal cut execution short (setup_kernel's own cleanup may not
    have run in a loop the signal interrupted): through the client, then by its process."""
    try:
        client._cleanup_kernel()
    except Exception:
        pass
    km = getattr(client, "km", None)
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        process.kill()


if __name__ == "__main__":
    sys.exit(main())
