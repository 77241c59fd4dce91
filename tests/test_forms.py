"""The extractor on every document form, each made by a real library through the simulated
portal's generators (reportlab PDF, python-docx, openpyxl, xlwt, Pillow), against the truth."""

import io
import zipfile

import pytest

from simulator.documents import pdf_bytes
from simulator.evaluate import score
from gongkai.archive.extract import extract_document
from gongkai.archive.extract.document import Table
from gongkai.archive.extract.forms import parse, sniff
from simulator.documents import document_bytes
from simulator.web import build_portal
from simulator.truth import report_truth

ATTACHMENT_FORMS = ("pdf", "docx", "xlsx", "xls")


@pytest.fixture(scope="module")
def web():
    return build_portal(seed=1, families="all", agencies=12)


def reports(web, **conditions):
    """(site, report, truth) of the web's reports that meet `conditions` on their truth."""
    out = []
    for site in web.family_sites:
        for report in site.reports:
            truth = report_truth(report, f"http://{site.host}", site)
            if all(truth[k] == v for k, v in conditions.items()):
                out.append((site, report, truth))
    return out


def sample(web, template):
    """A report of `template` whose tables print every cell (not the damaged seed)."""
    return next((s, r, t) for s, r, t in reports(web, template=template, text_extractable=True)
                if not any(d["kind"] == "short_rows" for d in t["defects"]))


def assert_reads_back(result, truth):
    got = score(result, truth["figures"])
    assert got["wrong"] == [] and got["missing"] == [], (got["wrong"][:3], got["missing"][:3])
    assert result["template"] == truth["template"]
    assert result["report_year"] == truth["report_year"]
    assert result["no_text"] is False


@pytest.mark.parametrize("form", ATTACHMENT_FORMS)
@pytest.mark.parametrize("template", ["t2019", "t2021"])
def test_attachment_forms_give_back_every_cell(web, form, template):
    site, report, truth = sample(web, template)
    data = document_bytes(report.at(site.clock), form)
    result = extract_document(data, filename=f"附件.{form}")
    assert result["form"] == form
    assert_reads_back(result, truth)
    assert result["title"] == truth["title"]
    assert result["warnings"] == []
    assert set(result["raw"]) == set(result["figures"])
    blanks = [k for k, v in truth["figures"].items() if v is None]
    assert all(result["raw"][k] == "" for k in blanks)      # blank is kept as blank, not 0


def test_pdf_table_three_crosses_a_page_break(web):
    site, report, truth = sample(web, "t2021")
    doc = parse(document_bytes(report.at(site.clock), "pdf"))
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    parts = [t for t in tables if any("结转下年度" in c.text or "本年新收" in c.text
                                      for row in t.rows for c in row)]
    assert len(parts) == 2       # the header part and the continuation without a header
    result = extract_document(document_bytes(report.at(site.clock), "pdf"))
    assert all(k in result["figures"] for k in truth["figures"] if k.startswith("applications."))


def test_pdf_without_rulings_is_read_from_word_positions(web):
    for template in ("t2019", "t2021"):
        site, report, truth = sample(web, template)
        result = extract_document(pdf_bytes(report.at(site.clock), ruled=False))
        assert_reads_back(result, truth)


def test_docx_and_spreadsheet_merges_become_spans(web):
    site, report, _ = sample(web, "t2021")
    for form in ("docx", "xlsx", "xls"):
        doc = parse(document_bytes(report.at(site.clock), form))
        cells = [c for b in doc.blocks if isinstance(b, Table) for row in b.rows for c in row]
        assert any(c.rowspan > 1 for c in cells) and any(c.colspan > 1 for c in cells), form


def test_form_is_known_by_its_bytes_not_its_name(web):
    site, report, truth = sample(web, "t2019")
    for form in ATTACHMENT_FORMS:
        data = document_bytes(report.at(site.clock), form)
        assert sniff(data, "download.jsp?id=1", "application/octet-stream") == form
        result = extract_document(data, filename="download.jsp?id=1",
                                  content_type="application/octet-stream")
        assert result["form"] == form and score(result, truth["figures"])["all_right"]


def test_scanned_table_image_has_no_text(web):
    site, report, _ = reports(web, form="image")[0]
    result = extract_document(document_bytes(report.at(site.clock), "png", 0),
                              filename="图1.png")
    assert result["no_text"] is True
    assert result["figures"] == {} and result["template"] == "unknown"
    assert result["images"] == ["图1.png"]


def test_image_only_page_is_flagged_with_its_images(web):
    _, _, truth = reports(web, form="image")[0]
    page = web.respond("GET", truth["url"]).body
    result = extract_document(page, filename=truth["url"])
    assert result["no_text"] is True and result["figures"] == {}
    assert len(result["images"]) == 3
    assert all(src.endswith(".png") for src in result["images"])


def test_scanned_pdf_has_no_text_layer(web):
    # the portal's scanned table image, put on a PDF page by reportlab: pixels, no text
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    site, report, _ = reports(web, form="image")[0]
    image = ImageReader(io.BytesIO(document_bytes(report.at(site.clock), "png", 1)))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=1)
    pdf.drawImage(image, 40, 300, width=500, height=300)
    pdf.showPage()
    pdf.save()
    result = extract_document(out.getvalue())
    assert result["no_text"] is True and result["figures"] == {}
    assert result["images"] == ["#page=1"]
    assert any("no text layer" in w for w in result["warnings"])


@pytest.mark.parametrize("family", ["trs", "hanweb", "gkmlpt"])
def test_metadata_box_index_and_document_numbers(web, family):
    site = web.site(family)
    _, _, truth = next(x for x in reports(web, form="html", template="t2021")
                       if x[0] is site)
    result = extract_document(web.respond("GET", truth["url"]).body, filename=truth["url"])
    assert result["index_number"] and "/" in result["index_number"]
    assert result["document_number"] is None       # the box prints 文号 empty
    assert result["published"] == truth["published"]
    assert result["title"] == truth["title"]
    assert score(result, truth["figures"])["all_right"]


def test_unreadable_binary_is_named_in_warnings():
    result = extract_document(b"\x00\x01binary\xff" * 40, filename="x.bin")
    assert result["figures"] == {}
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert extract_document(png)["no_text"] is True


def test_gongkai_eval_measures_every_form(tmp_path):
    import json

    from conftest import gongkai

    out = gongkai("eval", "--agencies", 4, "--seed", 2, "--corpus", tmp_path, "--json").stdout
    portal = json.loads(out)["portal"]
    forms = {key.split()[0] for key in portal["groups"]}
    assert {"html", "pdf", "pdf_unruled", "docx", "xlsx", "xls"} <= forms
    for key, group in portal["groups"].items():
        assert group["no_text_ok"] == group["reports"], key
        if group["cells"]:
            assert group["precision"] == 1.0, key
            assert group["recall"] >= 0.995, key


@pytest.mark.parametrize("form", ["docx", "xlsx"])
def test_a_zip_that_unpacks_too_big_is_refused_with_a_warning(web, form):
    """A real DOCX/XLSX with a 300 MB member of zeros (about 300 KB packed): it is
    named as too big to read instead of being unpacked into memory."""
    site, report, _ = sample(web, "t2021")
    buffer = io.BytesIO(document_bytes(report.at(site.clock), form))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("docProps/padding.bin", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(300):
                member.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 2 << 20
    result = extract_document(data, filename=f"附件.{form}")
    assert result["form"] == form and result["figures"] == {}
    [warning] = result["warnings"]
    assert result["refused"] == "max_inflated_bytes"     # the bound it crossed, named
    assert "docProps/padding.bin" in warning and "300.0 MB" in warning
