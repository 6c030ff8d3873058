"""The README's Python example runs as written (from the source tree), and a
broken copy of it fails: the example cannot silently go stale."""

import os
import subprocess
import sys


def readme_example(source_dir):
    text = (source_dir / "README.md").read_text()
    start = text.index("    import numpy as np, blockforge as bf\n")
    end = text.index("| name | what it is |", start)
    return "\n".join(line[4:] for line in text[start:end].splitlines())


def run(code, source_dir):
    return subprocess.run([sys.executable, "-c", code], cwd=source_dir, env=os.environ.copy(),
                          capture_output=True, text=True)


def test_the_readme_example_runs(source_dir):
    code = readme_example(source_dir) + "\nassert out.shape == (64, 32) and c.shape == (64, 32)\n"
    r = run(code, source_dir)
    assert r.returncode == 0, r.stderr


def test_a_broken_example_fails(source_dir):
    code = readme_example(source_dir).replace("mode=0", "mode=7")
    r = run(code, source_dir)
    assert r.returncode != 0 and "mode" in r.stderr
