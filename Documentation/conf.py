# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration of shadowvm's documentation (`make htmldocs`). The
# `.. kernel-doc::` directives are the kernel's own: its kerneldoc Sphinx
# extension and scripts/kernel-doc come from the linux-source tree that
# scripts/kernel-src unpacks ($SVM_KSRC names another tree).

import os
import subprocess
import sys

top = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
ksrc = os.environ.get("SVM_KSRC") or subprocess.run(
    [os.path.join(top, "scripts", "kernel-src")], check=True,
    stdout=subprocess.PIPE, text=True).stdout.strip()
sys.path.insert(0, os.path.join(ksrc, "Documentation", "sphinx"))

project = "shadowvm"
copyright = "The shadowvm authors"
master_doc = "index"
exclude_patterns = ["_build"]
extensions = ["kerneldoc"]
html_theme = "alabaster"

# kernel-doc runs over shadowvm's sources: paths in the directives are
# relative to the top of the tree.
kerneldoc_bin = os.path.join(ksrc, "scripts", "kernel-doc")
kerneldoc_srctree = top

# The C domain parses the prototypes kernel-doc emits: these kernel
# annotations stand between a declaration's parts and mean nothing to it.
c_id_attributes = [
    "__always_inline", "__init", "__exit", "__must_check", "__printf",
    "__user", "__iomem", "__rcu", "__percpu", "__acquires", "__releases",
    "__must_hold", "__cold", "__maybe_unused", "noinline", "notrace",
    "__attribute_const__", "asmlinkage", "VISIBLE_IF_KUNIT",
]
c_paren_attributes = ["__printf", "__acquires", "__releases", "__must_hold",
                      "__aligned", "__section"]
