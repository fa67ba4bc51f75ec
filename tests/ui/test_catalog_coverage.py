"""Every word a person reads on a workspace page goes through the gettext catalogs (issue 15).

Each listed file is parsed (ast, nothing runs) and every Streamlit call that shows a label,
heading or message (``st.title(...)``, ``col.button(...)``, ``tab.markdown(...)``) is checked:
its first positional argument and its ``label=``/``help=``/``placeholder=`` must not be a
plain string with a letter in it unless wrapped in ``lang()``/``t()`` (or anything else
that is a call, such as ``literal()`` for what a person typed). An f-string counts as plain
when its literal parts hold a letter; one of only placeholders and punctuation does not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# every module of the workspace and every page (pure-data modules hold no Streamlit calls)
FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "review" / "ui").rglob("*.py"))
# words meant to be read in every language at once: the public pages' language switch
EVERY_LANGUAGE = {"review/ui/public_register.py": ["'Language / Idioma'"]}

SHOWN = frozenset(
    {
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "write",
        "text",
        "button",
        "download_button",
        "checkbox",
        "radio",
        "selectbox",
        "multiselect",
        "text_input",
        "text_area",
        "number_input",
        "date_input",
        "file_uploader",
        "toggle",
        "expander",
        "tabs",
        "success",
        "info",
        "warning",
        "error",
        "form_submit_button",
        "metric",
        "link_button",
        "page_link",
        "Page",
        "spinner",
        "toast",
        "popover",
        "status",
        "slider",
        "select_slider",
        "time_input",
        "pills",
        "segmented_control",
    }
)
KEYWORDS = frozenset({"label", "help", "placeholder", "title"})
HELPERS = {"_page": 1}  # a module's own wrapper of st.Page: the argument that is the title


def _has_letter(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def bare(node: ast.AST) -> bool:
    """Whether ``node`` puts words on the page without the catalogs."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and _has_letter(node.value)
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(part, ast.Constant) and _has_letter(str(part.value)) for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return bare(node.left)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return bare(node.left) or bare(node.right)
    if isinstance(node, (ast.List, ast.Tuple)):
        return any(bare(element) for element in node.elts)
    if isinstance(node, ast.IfExp):
        return bare(node.body) or bare(node.orelse)
    return False  # a call (lang(), t(), literal()), a name, an attribute: not a literal here


def findings(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in HELPERS:  # workspace's _page()
            index = HELPERS[node.func.id]
            name = node.func.id
            shown = [("title argument", node.args[index])] if len(node.args) > index else []
        elif isinstance(node.func, ast.Attribute) and node.func.attr in SHOWN:
            name = f".{node.func.attr}"
            first = node.args and node.func.attr != "Page"  # a page's first argument is its file
            shown = [("first argument", node.args[0])] if first else []
        else:
            continue
        shown += [(f"{k.arg}=", k.value) for k in node.keywords if k.arg in KEYWORDS]
        for where, value in shown:
            if bare(value):
                found.append(
                    f"{filename}:{node.lineno}: {name}() {where} "
                    f"{ast.unparse(value)[:60]} is not in lang()/t()"
                )
    return found


@pytest.mark.parametrize("name", FILES)
def test_every_word_goes_through_the_catalogs(name: str) -> None:
    path = ROOT / name
    found = findings(path.read_text(encoding="utf-8"), name)
    allowed = EVERY_LANGUAGE.get(name, [])
    assert [f for f in found if not any(a in f for a in allowed)] == []


def test_the_check_finds_a_bare_word() -> None:
    page = (
        "import streamlit as st\n"
        "left, right = st.columns(2)\n"
        "st.title(lang('Queue'))\n"
        "st.markdown(f'**{ref}** · {title}')\n"
        "st.title('Queue')\n"
        "left.button('Save', help=lang('Saves'))\n"
        "right.text_input(lang('Name'), placeholder='Jane')\n"
        "st.tabs([lang('One'), 'Two'])\n"
        "st.info(f'Saved {ref}.')\n"
        "st.success('%s saved.' % ref)\n"
        "st.Page('review/ui/pages/queue.py', title='Review queue')\n"
        "st.spinner(lang('Saving…'))\n"
        "st.caption(literal(row.title))\n"
        "st.success(lang('Saved %(ref)s.') % {'ref': ref})\n"
        "_page('plan.py', 'Technology plan', 'wallet')\n"
        "_page('plan.py', lang('Technology plan'), 'wallet')\n"
    )
    lines = [f.split(":")[1] for f in findings(page, "page.py")]
    assert lines == ["5", "6", "7", "8", "9", "10", "11", "15"]
