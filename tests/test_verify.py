from gongkai.archive.verify import verify
from gongkai.archive.warc import WarcStore

from conftest import gongkai


def make_archive(path, n=3):
    store = WarcStore(path)
    for i in range(n):
        store.write_exchange(url=f"http://www.huichang.gov.cn/{i}.shtml", method="GET",
                             request_headers=[], request_body=b"", status=200, reason="OK",
                             response_headers=[(b"Content-Type", b"text/html; charset=utf-8")],
                             body=f"<p>第{i}份报告</p>".encode() * 50)
    store.close()
    return next((path / "warc").glob("*.warc.gz"))


def test_an_intact_archive_verifies(tmp_path):
    make_archive(tmp_path)
    report = verify(tmp_path)
    assert report.ok and report.files == 1 and report.records == 6
    assert gongkai("verify", "--data", tmp_path).returncode == 0


def test_one_flipped_byte_is_found_and_named(tmp_path):
    path = make_archive(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    report = verify(tmp_path)
    assert not report.ok
    assert all(problem.warc_file == f"warc/{path.name}" for problem in report.problems)
    result = gongkai("verify", "--data", tmp_path, check=False)
    assert result.returncode == 1
    assert path.name in result.stdout


def test_a_truncated_or_missing_file_is_reported(tmp_path):
    path = make_archive(tmp_path)
    path.write_bytes(path.read_bytes()[:-40])
    assert any("truncated" in str(p) or "altered" in str(p) for p in verify(tmp_path).problems)
    path.unlink()
    assert any("missing" in str(p) for p in verify(tmp_path).problems)
