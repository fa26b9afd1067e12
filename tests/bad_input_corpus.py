"""The bad-input corpus: every case is generated here (no committed binaries).

`CASES` lists (case id, builder); a builder writes its input files into a fresh folder and returns
a `Case`: the shopbook arguments, the exit code expected, and words the one error line must hold
(what is wrong, where, what to do). Readable-but-odd inputs (UTF-16 CSV, emoji, 32k cells …) expect
exit 0. `python -m tests.bad_input_corpus DIR` writes every case into DIR to look at by hand.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from tests.sheet_builders import xlsx

ORDERS = [["订单编号", "买家会员名", "买家实际支付金额", "订单创建时间"], ["5000000000000000001", "小王", "59.00", "2026-10-03 10:00:00"]]
STOCK = [["商家编码", "商品名称", "实际库存", "盘点日期"], ["A1", "T恤", 5, "2026-10-01"]]


@dataclass
class Case:
    args: list[str]  # {dir} in an argument is replaced by the case folder
    exit_code: int = 2
    needles: tuple[str, ...] = ()  # words the single error line must contain (or the output, for exit 0)
    inputs: list[Path] = field(default_factory=list)  # files whose sha256 must not change


Builder = Callable[[Path], Case]
CASES: dict[str, Builder] = {}


def case(name: str):
    def register(builder: Builder) -> Builder:
        assert name not in CASES, name
        CASES[name] = builder
        return builder
    return register


def orders_xlsx(path: Path, rows=ORDERS) -> Path:
    return xlsx(path, {"订单": rows})


def rewrite_zip(source: Path, target: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """A copy of an xlsx package with parts changed (`None` drops the part)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name in old.namelist():
            data = change(name, old.read(name))
            if data is not None:
                new.writestr(name, data)
    source.unlink()
    return target


def _reading(args_of=lambda p: ["inspect", str(p), "--json", "--records"]):
    """A case that reads one generated file with `inspect`."""
    def wrap(make: Callable[[Path], tuple[Path, int, tuple[str, ...]]]) -> Builder:
        def build(folder: Path) -> Case:
            path, code, needles = make(folder)
            return Case(args_of(path), code, needles, [path])
        return build
    return wrap


# ── empty, truncated, renamed, damaged, encrypted ──────────────────────────────────────────────
for _suffix in (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt"):
    def _empty(folder: Path, suffix=_suffix):
        path = folder / f"订单{suffix}"
        path.write_bytes(b"")
        return path, 2, (path.name, "空文件")
    case(f"empty{_suffix}")(_reading()(_empty))

for _cut in (10, 200, 0.5, -30):
    def _truncated(folder: Path, cut=_cut):
        full = orders_xlsx(folder / "full.xlsx").read_bytes()
        path = folder / "订单.xlsx"
        path.write_bytes(full[: int(len(full) * cut) if isinstance(cut, float) else cut])
        full_path = folder / "full.xlsx"
        full_path.unlink()
        return path, 2, (path.name,)
    case(f"truncated-{_cut}")(_reading()(_truncated))


@case("truncated-says-incomplete")
@_reading()
def _truncated_half(folder):
    full = orders_xlsx(folder / "full.xlsx")
    data = full.read_bytes()
    full.unlink()
    path = folder / "订单.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path, 2, ("订单.xlsx", "不完整")


@case("text-named-xlsx")
@_reading()
def _text_as_xlsx(folder):
    path = folder / "订单.xlsx"
    path.write_text("订单编号,金额\n1,2\n", encoding="utf-8")
    return path, 2, ("订单.xlsx", ".xlsx")


@case("xlsx-named-csv")
@_reading()
def _xlsx_as_csv(folder):
    path = orders_xlsx(folder / "x.xlsx").rename(folder / "订单.csv")
    return path, 2, ("订单.csv", ".xlsx", "扩展名")


@case("xlsx-named-xls")
@_reading()
def _xlsx_as_xls(folder):
    path = orders_xlsx(folder / "x.xlsx").rename(folder / "订单.xls")
    return path, 2, ("订单.xls", ".xlsx", "扩展名")


@case("ods-named-xlsx")
@_reading()
def _ods_as_xlsx(folder):
    path = folder / "订单.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        book.writestr("content.xml", "<office:document-content/>")
    return path, 2, ("订单.xlsx", ".ods")


@case("strict-ooxml")
@_reading(lambda p: ["validate", str(p)])
def _strict_ooxml(folder):
    """Saved as Excel's "Strict Open XML Spreadsheet": calamine reads it, our head and scan would not
    (the header was "not found", its error cells unseen); refused with what to do."""
    usual = (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main")
    relations = (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                 b"http://purl.oclc.org/ooxml/officeDocument/relationships")
    path = rewrite_zip(orders_xlsx(folder / "x.xlsx"), folder / "订单.xlsx",
                       lambda name, data: data.replace(*usual).replace(*relations))
    return path, 2, ("订单.xlsx", "Strict Open XML", "另存为")


@case("docx-named-xlsx")
@_reading()
def _docx_as_xlsx(folder):
    path = folder / "订单.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("word/document.xml", "<w:document/>")
    return path, 2, ("订单.xlsx",)


@case("ole-named-xlsx")
@_reading()
def _xls_as_xlsx(folder):
    path = folder / "订单.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    return path, 2, ("订单.xlsx", ".xls")


@case("encrypted-xlsx")
@_reading()
def _encrypted(folder):
    import msoffcrypto.format.ooxml

    plain = orders_xlsx(folder / "plain.xlsx")
    path = folder / "加密.xlsx"
    with plain.open("rb") as source, path.open("wb") as target:
        msoffcrypto.format.ooxml.OOXMLFile(source).encrypt("secret", target)
    plain.unlink()
    return path, 2, ("加密.xlsx", "密码")


def _damaged(part_change, needles=()):
    @_reading()
    def make(folder):
        path = rewrite_zip(orders_xlsx(folder / "src.xlsx"), folder / "订单.xlsx", part_change)
        return path, 2, ("订单.xlsx", *needles)
    return make


case("no-workbook-xml")(_damaged(lambda n, d: None if n == "xl/workbook.xml" else d, ("损坏", "xl/workbook.xml")))
case("no-workbook-rels")(_damaged(lambda n, d: None if n == "xl/_rels/workbook.xml.rels" else d, ("损坏",)))
case("no-sheet-part")(_damaged(lambda n, d: None if n.startswith("xl/worksheets/") else d, ("损坏",)))
case("corrupt-sheet-xml")(_damaged(lambda n, d: d.replace(b"<sheetData>", b"<sheetData><row r=\"1\"><c r=")
                                   if n.startswith("xl/worksheets/") else d, ("订单", "损坏")))
case("sheet-xml-cut")(_damaged(lambda n, d: d[: len(d) // 2] if n.startswith("xl/worksheets/") else d, ("损坏",)))
case("corrupt-workbook-xml")(_damaged(lambda n, d: b"<workbook" if n == "xl/workbook.xml" else d, ()))
case("corrupt-styles")(_damaged(lambda n, d: b"<styleSheet><<" if n == "xl/styles.xml" else d, ()))


for _suffix, _data in ((".xlsx", b"PK\x03\x04garbage" * 40), (".xls", b"\x00\x01garbage" * 50), (".ods", b"garbage" * 50),
                       (".xlsb", b"\x00" * 300), (".docx", b"PK\x03\x04"), (".pdf", b"%PDF-1.4\n")):
    def _garbage(folder, suffix=_suffix, data=_data):
        path = folder / f"乱码{suffix}"
        path.write_bytes(data)
        return path, 2, (path.name,)
    case(f"garbage{_suffix}")(_reading()(_garbage))


@case("missing-file")
def _missing(folder):
    return Case(["inspect", str(folder / "没有.xlsx")], 2, ("没有.xlsx", "找不到文件"))


@case("a-folder-not-a-file")
def _folder(folder):
    (folder / "子文件夹.xlsx").mkdir()
    return Case(["inspect", str(folder / "子文件夹.xlsx")], 2, ("子文件夹.xlsx",))


# ── CSV encodings and shapes ─────────────────────────────────────────────────────────────────
CSV_TEXT = "订单编号,买家会员名,买家实际支付金额\r\n5000000000000000001,小王😀,59.00\r\n"
for _encoding in ("utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"):
    def _encoded(folder, encoding=_encoding):
        path = folder / f"订单_{encoding}.csv"
        text = CSV_TEXT if encoding not in ("gbk",) else CSV_TEXT.replace("😀", "")
        path.write_bytes(text.encode(encoding))
        return path, 0, ("订单编号", "小王")
    case(f"csv-{_encoding}")(_reading()(_encoded))


@case("csv-utf16-odd-bytes")
@_reading()
def _utf16_broken(folder):
    path = folder / "订单.csv"
    path.write_bytes(b"\xff\xfe" + CSV_TEXT.encode("utf-16-le") + b"\x00")
    return path, 2, ("订单.csv", "UTF-16")


@case("csv-undecodable")
@_reading()
def _undecodable(folder):
    path = folder / "订单.csv"
    path.write_bytes("订单编号,金额\n".encode() + b"\x80\x80\xff\xfe\x80,1\n")
    return path, 2, ("订单.csv", "CSV UTF-8")


@case("csv-binary")
@_reading()
def _binary_csv(folder):
    path = folder / "订单.csv"
    path.write_bytes(b"\x00\x01\x02\x03" * 300 + b"\x00\x00")
    return path, 2, ("订单.csv",)


@case("csv-ragged")
@_reading()
def _ragged(folder):
    path = folder / "订单.csv"
    path.write_text("订单编号,买家会员名,买家实际支付金额\n1001,小王\n1002,小李,3.00,多余,更多\n\n1003\n", encoding="utf-8")
    return path, 0, ("订单编号",)


@case("csv-quoted-newlines")
@_reading()
def _quoted(folder):
    path = folder / "订单.csv"
    path.write_text('订单编号,订单备注\n1001,"第一行\n第二行"\n1002,"引号""里"\n', encoding="utf-8")
    return path, 0, ("订单编号",)


@case("csv-unclosed-quote")
@_reading()
def _unclosed(folder):
    path = folder / "订单.csv"
    path.write_text('订单编号,订单备注\n1001,"没有结束\n1002,x\n', encoding="utf-8")
    return path, 0, ("订单编号",)


@case("tsv-gbk")
@_reading()
def _tsv(folder):
    path = folder / "订单.tsv"
    path.write_bytes("订单编号\t买家会员名\n1001\t小王\n".encode("gbk"))
    return path, 0, ("订单编号",)


@case("csv-no-header")
@_reading()
def _csv_no_header(folder):
    path = folder / "随便.csv"
    path.write_text("今天,天气\n不错,的\n", encoding="utf-8")
    return path, 2, ("随便.csv", "表头")


@case("csv-only-bom")
@_reading()
def _only_bom(folder):
    path = folder / "订单.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    return path, 2, ("订单.csv", "表头")


# ── odd but readable workbooks ───────────────────────────────────────────────────────────────
@case("merged-header")
@_reading()
def _merged(folder):
    path = folder / "订单.xlsx"
    xlsx(path, {"订单": [["订单明细", None, None], ["订单编号", "买家会员名", "买家实际支付金额"], ["1001", "小王", 3]]},
         merges={"订单": ["A1:C1"]})
    return path, 0, ("订单编号",)


@case("merged-header-cells")
@_reading()
def _merged_cells(folder):
    path = folder / "订单.xlsx"
    xlsx(path, {"订单": [["订单编号", "买家会员名", None, "买家实际支付金额"], ["1001", "小王", None, 3]]}, merges={"订单": ["B1:C1"]})
    return path, 0, ("订单编号",)


@case("duplicate-header")
def _duplicate(folder):
    path = orders_xlsx(folder / "订单.xlsx", [["订单编号", "买家会员名", "订单编号"], ["1001", "小王", "1002"]])
    return Case(["validate", str(path)], 0, ("READ008", "A1", "C1"), [path])


@case("long-cells")
@_reading()
def _long(folder):
    path = orders_xlsx(folder / "订单.xlsx", [ORDERS[0], ["1001", "长" * 32767, "1.00", "2026-10-03"]])
    return path, 0, ("订单编号",)


@case("control-characters")
@_reading()
def _control(folder):
    path = folder / "订单.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("订单")
    sheet.write_row(0, 0, ORDERS[0])
    sheet.write_row(1, 0, ["1001", "小\x01王\x07\x1b[31m", "3.00", "2026-10-03"])
    book.close()
    return path, 0, ("订单编号",)


@case("emoji-everywhere")
@_reading()
def _emoji(folder):
    path = xlsx(folder / "订单😀.xlsx", {"订单🎉": [ORDERS[0], ["1001", "🐱小王👍🏽", "3.00", "2026-10-03"]]})
    return path, 0, ("订单编号",)


@case("error-cells")
def _errors(folder):
    path = folder / "订单.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("订单")
    sheet.write_row(0, 0, ORDERS[0])
    sheet.write_formula(1, 0, "=#REF!", None, "#REF!")
    sheet.write_row(1, 1, ["小王", "3.00"])
    sheet.write_formula(2, 0, "=NA()", None, "#N/A")
    sheet.write_formula(2, 2, '="a"+1', None, "#VALUE!")
    book.close()
    return Case(["validate", str(path)], 1, ("READ006", "#REF!", "#N/A", "#VALUE!"), [path])


@case("formulas-without-values")
def _uncached(folder):
    import openpyxl

    path = folder / "订单.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "订单"
    sheet.append(ORDERS[0])
    sheet.append(['="5000000000000000001"', "小王", "=1+2", "2026-10-03"])
    book.save(path)
    return Case(["validate", str(path)], 1, ("READ007", "Excel/WPS"), [path])


@case("no-header")
@_reading()
def _no_header(folder):
    path = xlsx(folder / "随便.xlsx", {"Sheet1": [["今天天气不错"], ["a", "b", "c"]]})
    return path, 2, ("随便.xlsx", "表头")


@case("empty-sheet")
@_reading()
def _empty_sheet(folder):
    path = xlsx(folder / "空表.xlsx", {"Sheet1": []})
    return path, 2, ("空表.xlsx", "表头")


@case("kind-orders-on-stock")
def _wrong_kind(folder):
    path = xlsx(folder / "库存.xlsx", {"库存": STOCK})
    return Case(["inspect", str(path), "--kind", "orders"], 2, ("库存.xlsx", "订单", "--kind"), [path])


@case("kind-stubs-on-nothing")
def _kind_nothing(folder):
    path = xlsx(folder / "x.xlsx", {"Sheet1": [["随便", "写写"], ["a", "b"]]})
    return Case(["inspect", str(path), "--kind", "stubs"], 2, ("x.xlsx", "Sheet1", "快递单号"), [path])


@case("no-such-sheet")
def _no_sheet(folder):
    path = orders_xlsx(folder / "订单.xlsx")
    return Case(["inspect", str(path), "--sheet", "没有这个"], 2, ("没有这个",), [path])


# ── shop.toml ────────────────────────────────────────────────────────────────────────────────
BAD_TOML = {
    "calender-typo": ('[shop]\nname = "店"\n\n[calender]\nrest_days = ["周日"]\n', ("第 4 行", "[calender]", "calendar")),
    "shift-without-end": ('[[shifts]]\nname = "白班"\nstart = "09:00"\n', ("第 1 行", "[[shifts]]", "end")),
    "shift-time-chinese": ('[[shifts]]\nname = "白班"\nstart = "9点"\nend = "17:30"\n', ("第 3 行", "start", "HH:MM")),
    "shift-time-25h": ('[[shifts]]\nname = "白班"\nstart = "25:00"\nend = "17:30"\n', ("第 3 行", "start", "HH:MM")),
    "shift-time-number": ('[[shifts]]\nname = "白班"\nstart = 9\nend = "17:30"\n', ("第 3 行", "start")),
    "promotions-text": ('promotions = "x"\n', ("第 1 行", "promotions", "列表")),
    "promotion-bad-date": ('[[promotions]]\nname = "双十一"\nstart = "十一月"\nend = 2026-11-12\n', ("第 3 行", "start")),
    "promotion-without-end": ('[[promotions]]\nstart = 2026-11-01\n', ("[[promotions]]", "end")),
    "holiday-chinese-date": ('[calendar]\nholidays = ["10月1日"]\n', ("第 2 行", "holidays", "2026-10-01")),
    "workday-bad": ('[calendar]\nworkdays = ["2026-02-30"]\n', ("第 2 行", "workdays")),
    "rest-day-eighth": ('[calendar]\nrest_days = ["周八"]\n', ("第 2 行", "rest_days", "周一")),
    "rest-days-text": ('[calendar]\nrest_days = "周日"\n', ("第 2 行", "rest_days")),
    "calendar-number": ('calendar = 5\n', ("第 1 行", "calendar")),
    "out-dir-number": ('[reports]\nout_dir = 5\n', ("第 2 行", "out_dir")),
    "out-dir-empty": ('[reports]\nout_dir = ""\n', ("第 2 行", "out_dir")),
    "reports-typo": ('[reports]\nout_dri = "x"\n', ("第 2 行", "out_dri", "out_dir")),
    "staff-name-number": ('[[staff]]\nname = 123\nrole = "客服"\n', ("第 2 行", "name", "文字")),
    "staff-role-unknown": ('[[staff]]\nname = "王芳"\nrole = "老板"\n', ("第 3 行", "role", "负责人")),
    "staff-without-role": ('[[staff]]\nname = "王芳"\n', ("第 1 行", "role")),
    "staff-rest-day": ('[[staff]]\nname = "王芳"\nrole = "客服"\nrest_day = "Funday"\n', ("第 4 行", "rest_day")),
    "staff-table": ('staff = "王芳"\n', ("第 1 行", "staff")),
    "staff-unknown-key": ('[[staff]]\nname = "王芳"\nrole = "客服"\nemial = "a@b.c"\n', ("第 4 行", "emial", "email")),
    "second-staff-bad": ('[[staff]]\nname = "甲"\nrole = "客服"\n\n[[staff]]\nname = "乙"\nrole = "保安"\n', ("第 7 行", "第 2 项")),
    "timezone-unknown": ('[shop]\ntimezone = "Mars/Base"\n', ("第 2 行", "timezone")),
    "lang-unknown": ('[shop]\nlang = "fr"\n', ("第 2 行", "lang")),
    "shop-name-number": ('[shop]\nname = 5\n', ("第 2 行", "name")),
    "top-level-unknown": ('colour = "red"\n', ("第 1 行", "colour")),
    "smtp-port-text": ('[email]\nsmtp_port = "abc"\n', ("第 2 行", "smtp_port")),
    "smtp-port-range": ('[email]\nsmtp_port = 70000\n', ("第 2 行", "smtp_port", "65535")),
    "email-security": ('[email]\nsecurity = "tls"\n', ("第 2 行", "security", "starttls")),
    "email-typo": ('[email]\nsmtp_hots = "smtp.example.com"\n', ("第 2 行", "smtp_hots", "smtp_host")),
    "email-retries-negative": ('[email]\nretries = -1\n', ("第 2 行", "retries")),
    "email-password-in-file": ('[email]\npassword = "secret"\n', ("第 2 行", "password", "password_env", "钥匙串")),
    "sales-typo": ('[sales]\ncomission_rate = 0.01\n', ("第 2 行", "comission_rate", "commission_rate")),
    "sales-commission-on": ('[sales]\ncommission_on = "all"\n', ("第 2 行", "commission_on", "net")),
    "sales-base-text": ('[sales]\nbase_pay = "三千"\n', ("第 2 行", "base_pay", "数字")),
    "sales-agent-typo": ('[sales.agents."陈静"]\nbase_pya = 3500\n', ("第 2 行", "base_pya")),
    "penalties-points-text": ('[penalties]\nfail_points = "many"\n', ("第 2 行", "[penalties]", "fail_points")),
    "penalties-deadline": ('[penalties]\ndaily_deadline = "10点"\n', ("第 2 行", "daily_deadline", "HH:MM")),
    "penalties-role": ('[penalties]\nagent_roles = ["店长"]\n', ("第 2 行", "agent_roles")),
    "stubs-negative": ('[stubs]\nweight_tolerance_kg = -1\n', ("第 2 行", "weight_tolerance_kg")),
    "stubs-days-float": ('[stubs]\narchive_days = 1.5\n', ("第 2 行", "archive_days")),
    "rates-fee-chinese": ('[rates."中通"]\n[[rates."中通".zones]]\nname = "其他"\nprovinces = ["*"]\nfirst = "四元"\n', ("第 5 行", "first", "数字")),
    "rates-nan": ('[rates."中通"]\nremote_surcharge = nan\n', ("第 2 行", "remote_surcharge")),
    "rates-inf": ('[rates."中通"]\nremote_surcharge = inf\n', ("第 2 行", "remote_surcharge")),
    "rates-typo": ('[rates."中通"]\nrounding = "up_1"\nremote_provinse = ["新疆"]\n', ("第 3 行", "remote_provinse", "remote_provinces")),
    "couriers-aliases-text": ('[couriers."中通"]\naliases = 5\n', ("第 2 行", "aliases")),
    "couriers-typo": ('[couriers."中通"]\nbill_colums = { waybill = "运单编号" }\n', ("第 2 行", "bill_colums", "bill_columns")),
    "rules-select-text": ('[rules]\nselect = "ORD"\n', ("第 2 行", "select")),
    "rules-typo": ('[rules]\nselct = []\n', ("第 2 行", "selct", "select")),
    "headers-kind-typo": ('[headers.order]\n"顾客手机" = "phone"\n', ("第 1 行", "order", "orders")),
    "headers-value-number": ('[headers.orders]\n"顾客手机" = 5\n', ("第 2 行", "顾客手机")),
    "files-backups-zero": ('[files]\nbackups = 0\n', ("第 2 行", "backups", "1")),
    "toml-syntax": ('[shop\nname = \n', ("shop.toml",)),
    "toml-duplicate-key": ('[shop]\nname = "a"\nname = "b"\n', ("shop.toml",)),
    "many-problems": ('[calender]\n[[staff]]\nname = 1\nrole = "x"\n[reports]\nout_dir = 5\n', ("4 处错误", "第 1 行", "第 3 行", "第 6 行")),
}
for _name, (_text, _needles) in BAD_TOML.items():
    def _bad_toml(folder, text=_text, needles=_needles):
        book = orders_xlsx(folder / "订单.xlsx")
        config = folder / "shop.toml"
        config.write_text(text, encoding="utf-8")
        return Case(["inspect", str(book)], 2, ("shop.toml", *needles), [book, config])
    case(f"toml-{_name}")(_bad_toml)


@case("toml-gbk-encoded")
def _gbk_toml(folder):
    book = orders_xlsx(folder / "订单.xlsx")
    config = folder / "shop.toml"
    config.write_bytes('[shop]\nname = "小店"\n'.encode("gbk"))
    return Case(["inspect", str(book)], 2, ("shop.toml",), [book, config])


@case("toml-utf8-bom-is-fine")
def _bom_toml(folder):
    book = orders_xlsx(folder / "订单.xlsx")
    config = folder / "shop.toml"
    config.write_bytes('\ufeff[shop]\nname = "小店"\n[calendar]\nrest_days = ["星期日", "Sat"]\n'.encode("utf-8"))
    return Case(["inspect", str(book)], 0, ("订单编号",), [book, config])


@case("toml-english")
def _english(folder):
    book = orders_xlsx(folder / "订单.xlsx")
    config = folder / "shop.toml"
    config.write_text('[email]\nsmtp_port = "abc"\n', encoding="utf-8")
    return Case(["--lang", "en", "inspect", str(book)], 2, ("shop.toml", "line 2", "smtp_port", "whole number"), [book, config])


# ── --month everywhere ───────────────────────────────────────────────────────────────────────
MONTH_COMMANDS = (["report", "penalties"], ["report", "sales"], ["reconcile"], ["stubs"], ["monthly"])
for _month in ("2026-1", "2026-13", "2026-00", "26-10", "2026/10", "十月", "2026-10-01"):
    for _command in MONTH_COMMANDS:
        def _bad_month(folder, month=_month, command=_command):
            book = orders_xlsx(folder / "订单.xlsx")
            return Case([*command, str(folder), "--month", month], 2, (month, "2026-10"), [book])
        case(f"month-{'-'.join(_command)}-{_month.replace('/', '_')}")(_bad_month)


# ── our own writes ───────────────────────────────────────────────────────────────────────────
@case("out-dir-is-a-file")
def _out_dir_file(folder):
    from tests.courier_helpers import write_shop

    root = write_shop(folder / "店")
    with (root / "shop.toml").open("a", encoding="utf-8") as config:
        config.write('\n[reports]\nout_dir = "挡住了"\n')
    (root / "挡住了").write_text("一个文件挡住了输出文件夹", encoding="utf-8")
    return Case(["stubs", str(root), "--month", "2026-10"], 2, ("挡住了",), [root / "底单.xlsx", root / "挡住了"])


def main(target: Path) -> None:
    for name, build in CASES.items():
        folder = target / name
        folder.mkdir(parents=True, exist_ok=True)
        build(folder)
    print(f"{len(CASES)} cases in {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
