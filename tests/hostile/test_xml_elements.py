"""XML readers are bounded by element count as well as bytes and ratio (issue 12): a .docx
of a few MB holding 20 million empty paragraphs is refused quickly, by every reader."""

from __future__ import annotations

import time

import pytest

from bench.hostile_docs import DRUPAL, empty_paragraphs, paragraph_bomb
from review.errors import FileProblem
from review.evidence.acr import parse_acr
from review.packet.verify import verify_packet
from review.safexml import MAX_ELEMENTS, start_tags


def test_start_tags_counts_elements_not_end_tags_or_declarations() -> None:
    xml = b'<?xml version="1.0"?><!-- c --><a><b/><c x="1">t</c><![CDATA[x]]></a>'
    assert start_tags(xml) == 3
    assert start_tags(empty_paragraphs(1000)) == 1000 + 2  # the document and the body


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = paragraph_bomb()
    assert len(data) < 25_000_000, "fits the ACR size limit: only the element count stops it"
    return data


def test_the_paragraph_bomb_is_refused_quickly(bomb: bytes) -> None:
    started = time.perf_counter()
    with pytest.raises(FileProblem, match=r"word/document.xml.* XML elements; the limit is"):
        parse_acr(bomb, filename="vendor.docx")
    assert time.perf_counter() - started < 5


def test_packet_verify_refuses_it_too(bomb: bytes) -> None:
    with pytest.raises(FileProblem, match="XML elements"):
        verify_packet(bomb, filename="packet.docx")


def test_an_honest_acr_is_far_below_the_limit() -> None:
    parse_acr(DRUPAL.read_bytes(), filename=DRUPAL.name)
    assert MAX_ELEMENTS >= 2_000_000
