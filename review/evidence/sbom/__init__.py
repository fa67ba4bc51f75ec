"""Software bills of materials (CycloneDX and SPDX JSON) read into the intake's ``open_source``.

``parse_sbom(data, filename=...)`` accepts the bytes of an attached SBOM and returns an
``SbomResult``: the document's format, spec version, name and tool, every component with its
license expression classified by ``review.core.spdx.classify`` (OSS-3), the services of a SaaSBOM,
counts per license class and warnings. ``SbomResult.to_open_source_section()`` is the
``open_source`` mapping of the intake form (docs: shared/spec/intake.md).

Formats
    CycloneDX JSON 1.2-1.6 (``bomFormat`` / ``specVersion``; a newer 1.x is read with a
    warning), SPDX 2.2/2.3 JSON (``spdxVersion``; other 2.x with a warning) and SPDX 3.0
    JSON-LD (``@context`` / ``@graph``). XML and SPDX tag-value are refused with a message
    asking for JSON; nothing in a document is ever executed or fetched.

Safety
    The size limit (``MAX_BYTES``) is checked before anything is decoded; the text must be
    UTF-8 (a UTF-8 byte-order mark is accepted); JSON is parsed by the standard library with
    repeated keys refused; ``MAX_CONTAINERS`` bounds the objects and arrays a document may
    hold (counted on the raw bytes before parsing) and ``MAX_DEPTH`` how deeply they nest;
    ``MAX_ITEMS`` bounds components plus services. Every refusal is a ``FileProblem`` whose
    message names the file and the problem.

Where licenses come from (decisions)
    * CycloneDX: ``licenses[].expression``, ``licenses[].license.id``, and
      ``licenses[].license.name``. A name that is a valid SPDX expression or id (Proton's
      ``(MIT OR GPL-3.0)``) is used as one; any other name (``GNU Lesser General Public
      License``) is kept as written and classed ``unknown``. A license with neither id nor
      name keeps its ``url`` as text. When entries carry ``acknowledgement`` (1.6), the
      ``concluded`` ones are preferred. ``evidence.licenses`` is a fallback when a component
      has no ``licenses``.
    * Several license entries on one CycloneDX component are combined with AND. The
      specification does not say what a list means (CycloneDX/specification#349, still open);
      AND is the reading that never understates obligations (OSS-3 judges AND by its worst
      part). Maven's dual licenses (``CDDL-1.1`` + ``GPL-2.0-with-classpath-exception``) are
      therefore judged by the stricter one; a warning says how many components this touched
      so the reviewer can confirm a choice of license with the vendor.
    * SPDX 2: ``licenseConcluded`` unless it is NOASSERTION or NONE, then ``licenseDeclared``,
      then ``licenseInfoFromFiles`` (asserted entries combined with AND). When none is
      asserted the raw value (``NOASSERTION``/``NONE``) is kept and flagged, never dropped.
    * SPDX 3: ``hasConcludedLicense`` then ``hasDeclaredLicense`` relationships, the target
      read from its ``simplelicensing_licenseExpression`` or from a listed-license IRI.
    * Deprecated SPDX ids that fold an exception into the id (``GPL-2.0-with-classpath-
      exception``) are rewritten to their SPDX replacement (``GPL-2.0-only WITH
      Classpath-exception-2.0``) before classification; the license-expression index knows
      them only as exception symbols, which OSS-3 would otherwise leave ``unclassified``.
    * ``license`` is the normalised expression when the text is a valid SPDX expression
      (LicenseRef- references count as valid), otherwise the original text.

What is a component (decisions)
    * The described product is not one of its own components: CycloneDX
      ``metadata.component`` and the SPDX packages the document DESCRIBES (``documentDescribes``
      or a DESCRIBES relationship; SPDX 3 ``rootElement``) are reported in ``described``.
      This is done only when the document also lists other packages; a document whose every
      package is described keeps them all as components.
    * Nested CycloneDX components (and those of ``metadata.component``) are flattened in
      document order. SaaSBOM services (nested ones flattened) are reported in ``services``,
      never as components. SPDX files and snippets are not components.
    * ``components`` keeps every entry as the document lists it (counts match the document);
      ``to_open_source_section()`` drops exact repeats of (name, version, license), which
      syft emits once per location, so one problem gives one finding.
    * A component's name is the document's ``name`` (CycloneDX ``group`` is kept separately);
      the purl, when present, identifies it exactly.
"""

from .common import (
    CYCLONEDX_VERSIONS,
    MAX_BYTES,
    MAX_CONTAINERS,
    MAX_DEPTH,
    MAX_ITEMS,
    SPDX2_VERSIONS,
    SbomComponent,
    SbomResult,
    SbomService,
)
from .parse import parse_sbom

__all__ = [
    "CYCLONEDX_VERSIONS",
    "MAX_BYTES",
    "MAX_CONTAINERS",
    "MAX_DEPTH",
    "MAX_ITEMS",
    "SPDX2_VERSIONS",
    "SbomComponent",
    "SbomResult",
    "SbomService",
    "parse_sbom",
]
