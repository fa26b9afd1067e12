"""A corpus of feature-rich workbooks, generated here (XlsxWriter, openpyxl, zip surgery on text
parts, LibreOffice where installed), each holding a small orders sheet with problems to mark.

Every builder writes `path` and returns it. The orders sheet is always the first sheet, named 订单,
with the header in row 1 (after a title row for the merged-title builder).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter

HEADER = ["订单编号", "买家会员名", "收货人姓名", "联系手机", "收货地址", "订单状态", "订单创建时间", "订单付款时间",
          "总金额", "旗帜", "订单备注"]
ORDERS = [
    ["5000000000000000001", "buyer1", "张三", "13812345678", "广东省 广州市 越秀区 黄花岗街道 1号(510080)", "交易成功",
     "2026-10-10 09:00", "2026-10-10 09:05", 99, "红", "张三：要发顺丰，送小样"],
    ["5000000000000000002", "buyer2", "", "1381234567", "广东省 广州市 越秀区 (000000)", "交易成功",
     "2026-10-10 10:00", "2026-10-10 10:05", 59, None, "黄旗 李四"],
    ["5000000000000000003", "=cmd|' /C calc'!A0", "王五", "13912345678", "浙江省 杭州市 西湖区 文三路 2号(310000)", "交易成功",
     "2026-10-11 10:00", "2026-10-11 10:05", 79, "绿", "10.12 快递截单 王五"],
    ["5000000000000000004", "buyer4", "赵六", "13712345678", "江苏省 南京市 玄武区 中山路 3号(210000)", "交易成功",
     "2026-10-11 11:00", "2026-10-11 11:05", 89, "紫", "10.14 换货：白色L换黑色XL 差价0 运费买家承担12元 李四"],
    ["5000000000000000005", "buyer5", "钱七", "13612345678", "上海 上海市 浦东新区 世纪大道 4号(200120)", "交易关闭",
     "2026-10-12 11:00", "2026-10-12 11:05", 49, "蓝", "10.15 退款 张三"],
    ["5000000000000000006", "buyer6", "孙八", "13512345678", "北京 北京市 朝阳区 建国路 5号(100020)", "等待买家付款",
     "2026-10-13 17:20", None, 39, None, "+要发顺丰"],
]
SHOP_TOML = """[[staff]]
name = "张三"
role = "客服"

[[staff]]
name = "李四"
role = "客服"
"""


def png_bytes(colour=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(out, "PNG")
    return out.getvalue()


def vba_bin() -> bytes:
    import xlwings

    with zipfile.ZipFile(Path(xlwings.__file__).parent / "quickstart.xlsm") as z:
        return z.read("xl/vbaProject.bin")


# ---- XlsxWriter ---------------------------------------------------------------------------------------

def _xw_orders(book, ws, start_row: int = 0) -> None:
    bold = book.add_format({"bold": True, "bg_color": "#DDDDDD"})
    ws.write_row(start_row, 0, HEADER, bold)
    text = book.add_format({"num_format": "@"})
    for r, row in enumerate(ORDERS, start=start_row + 1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                ws.write_string(r, c, value, text if c in (0, 3) else None)
            else:
                ws.write_number(r, c, value)


def _xw(path: Path, decorate, options: dict | None = None, start_row: int = 0) -> Path:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, **(options or {})})
    ws = book.add_worksheet("订单")
    _xw_orders(book, ws, start_row)
    decorate(book, ws, path.parent)
    book.close()
    return path


def charts_images_shapes(path: Path) -> Path:
    def decorate(book, ws, folder):
        image = folder / "logo.png"
        image.write_bytes(png_bytes())
        chart = book.add_chart({"type": "column"})
        chart.add_series({"values": "=订单!$I$2:$I$7", "name": "金额"})
        ws.insert_chart("M2", chart)
        ws.insert_image("M20", str(image), {"url": "https://example.com/shop"})  # a picture with a hyperlink
        ws.insert_textbox("M25", "店长提醒：本表勿删列", {"width": 200, "height": 60})
        ws.set_background(str(image))
        ws.set_header("&L&G&C订单", {"image_left": str(image)})
        sheet = book.add_chartsheet("图表")
        pie = book.add_chart({"type": "pie"})
        pie.add_series({"values": "=订单!$I$2:$I$7"})
        sheet.set_chart(pie)
    return _xw(path, decorate)


def sparklines_databars_validation(path: Path) -> Path:
    def decorate(book, ws, folder):
        ws.write_row(0, 12, ["走势", 1, 5, 3])
        ws.add_sparkline("M2", {"range": "订单!N1:P1"})
        ws.conditional_format("I2:I7", {"type": "data_bar", "data_bar_2010": True, "bar_solid": True})
        ws.conditional_format("I2:I7", {"type": "icon_set", "icon_style": "3_arrows"})
        ws.conditional_format("F2:F7", {"type": "text", "criteria": "containing", "value": "关闭",
                                        "format": book.add_format({"font_color": "#9C0006"})})
        ws.data_validation("J2:J100", {"validate": "list", "source": ["红", "黄", "绿", "紫", "蓝"]})
        lists = book.add_worksheet("下拉")
        lists.write_column(0, 0, ["顺丰", "中通", "圆通"])
        ws.data_validation("Q2:Q100", {"validate": "list", "source": "=下拉!$A$1:$A$3"})  # another sheet: x14 list
        ws.write_formula("R2", "=I2*2", None, 198)  # a cached value that must survive
        ws.write_formula("R3", '=IF(I3>50,"高","低")', None, "高")
    return _xw(path, decorate)


def tables_filters_names_print(path: Path) -> Path:
    def decorate(book, ws, folder):
        ws.autofilter(0, 0, len(ORDERS), len(HEADER) - 1)
        ws.filter_column("F", "x == 交易成功")
        book.define_name("金额区", "=订单!$I$2:$I$7")
        ws.set_landscape()
        ws.repeat_rows(0)
        ws.print_area("A1:K7")
        ws.set_footer("&C第 &P 页")
        other = book.add_worksheet("商品")
        other.add_table("A1:C3", {"data": [["A01", "T恤", 59], ["A02", "外套", 199]],
                                   "columns": [{"header": "编码"}, {"header": "名称"}, {"header": "价格"}]})
        hidden = book.add_worksheet("隐藏")
        hidden.write("A1", "秘密")
        hidden.hide()
        ws.set_column("L:L", 30, None, {"hidden": True})  # a hidden column with its own width
        ws.ignore_errors({"number_stored_as_text": "A1:D100"})
    return _xw(path, decorate)


def protection_properties_merges_rich(path: Path) -> Path:
    def decorate(book, ws, folder):
        book.set_properties({"title": "订单", "company": "小店", "manager": "王店长", "author": "客服部"})
        book.set_custom_property("店铺编号", "A-001")
        book.read_only_recommended()
        ws.merge_range("A1:K1", "2026年10月 订单登记（合并标题）", book.add_format({"bold": True, "align": "center"}))
        ws.merge_range("M3:P4", "合并区域里的值", None)
        ws.write_rich_string("M6", "普通", book.add_format({"bold": True, "color": "red"}), "加粗红字")
        protected = book.add_worksheet("保护")
        protected.write("A1", "锁定")
        protected.protect("", {"format_cells": True})
    return _xw(path, decorate, start_row=1)


def notes_and_dates_1904(path: Path) -> Path:
    def decorate(book, ws, folder):
        ws.write_comment("B3", "店长：这是老客户", {"x_scale": 2, "y_scale": 1.5, "visible": True})
        ws.write_comment("K2", "备注要写全")
        ws.write_datetime("M2", dt.datetime(2026, 10, 1, 9, 30), book.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
    return _xw(path, decorate, {"date_1904": True})


def macro_workbook(path: Path) -> Path:
    """An .xlsm with VBA and a form button bound to a macro (the button shares the notes' VML)."""
    vba = path.parent / "vbaProject.bin"
    vba.write_bytes(vba_bin())

    def decorate(book, ws, folder):
        book.add_vba_project(str(vba))
        ws.insert_button("M2", {"macro": "SampleCall", "caption": "运行", "width": 80, "height": 30})
        ws.write_comment("C2", "收件人要核对")
    return _xw(path.with_suffix(".xlsm"), decorate)


def inline_strings(path: Path) -> Path:
    """Strings stored in the cells (t="inlineStr", as streaming writers do) instead of sharedStrings.xml."""
    return _xw(path, lambda book, ws, folder: ws.write_string(0, 12, "行内字符串"), {"constant_memory": True})


# ---- openpyxl, zip surgery, LibreOffice -------------------------------------------------------------

def openpyxl_made(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "订单"
    ws.append(HEADER)
    for row in ORDERS:
        ws.append(row)
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith(("=", "+")):
                cell.data_type = "s"
    ws["C3"].fill = openpyxl.styles.PatternFill("solid", start_color="FF00FF00", end_color="FF00FF00")  # a user's fill on a problem cell
    ws["C3"].number_format = "@"
    book.create_sheet("校验结果").append(["我自己的", "校验记录"])  # a user's sheet with one of our names
    book.create_sheet("退款登记").append(["订单编号", "手写的退款"])
    book.save(path)
    return path


def with_parts(path: Path, base) -> Path:
    """threadedComments, a foreign customXml part, docProps/custom.xml and an external link, added as text parts."""
    base(path)
    return add_parts(path)


def add_parts(path: Path) -> Path:
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    ct = parts["[Content_Types].xml"]
    rels_name = "xl/worksheets/_rels/sheet1.xml.rels"
    sheet_rels = parts.get(rels_name, b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                      b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')
    parts["xl/threadedComments/threadedComment1.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ThreadedComments '
        b'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" '
        b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><threadedComment ref="E3" '
        b'dT="2026-10-11T10:00:00.00" personId="{11111111-1111-1111-1111-111111111111}" '
        b'id="{22222222-2222-2222-2222-222222222222}"><text>\xe5\x9c\xb0\xe5\x9d\x80\xe8\xa6\x81\xe6\xa0\xb8\xe5\xaf\xb9</text></threadedComment></ThreadedComments>')
    parts["xl/persons/person.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<personList '
        b'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" '
        b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><person displayName="\xe7\x8e\x8b\xe5\xba\x97\xe9\x95\xbf" '
        b'id="{11111111-1111-1111-1111-111111111111}" userId="wang" providerId="None"/></personList>')
    sheet_rels = sheet_rels.replace(b"</Relationships>", b'<Relationship Id="rIdTc1" '
                                    b'Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment" '
                                    b'Target="../threadedComments/threadedComment1.xml"/></Relationships>')
    parts[rels_name] = sheet_rels
    parts["customXml/item1.xml"] = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<erp xmlns="urn:example:erp"><shop>A-001</shop></erp>'
    parts["customXml/itemProps1.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ds:datastoreItem ds:itemID="{33333333-3333-3333-3333-333333333333}" '
        b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs/></ds:datastoreItem>')
    parts["customXml/_rels/item1.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps" Target="itemProps1.xml"/></Relationships>')
    parts["xl/externalLinks/externalLink1.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><externalBook r:id="rId1"><sheetNames>'
        b'<sheetName val="Sheet1"/></sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>42</v></cell></row>'
        b'</sheetData></sheetDataSet></externalBook></externalLink>')
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
        b'Target="other.xlsx" TargetMode="External"/></Relationships>')
    wb_rels = parts["xl/_rels/workbook.xml.rels"]
    parts["xl/_rels/workbook.xml.rels"] = wb_rels.replace(b"</Relationships>", (
        b'<Relationship Id="rIdCx1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml" Target="../customXml/item1.xml"/>'
        b'<Relationship Id="rIdEx1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/>'
        b'<Relationship Id="rIdPs1" Type="http://schemas.microsoft.com/office/2017/10/relationships/person" Target="persons/person.xml"/>'
        b"</Relationships>"))
    workbook = parts["xl/workbook.xml"]
    ext = b'<externalReferences><externalReference r:id="rIdEx1"/></externalReferences>'
    if b"<definedNames" in workbook:
        workbook = workbook.replace(b"<definedNames", ext + b"<definedNames", 1)
    else:
        workbook = re.sub(rb"(</sheets>)", rb"\1" + ext, workbook, count=1)
    parts["xl/workbook.xml"] = workbook
    ct = ct.replace(b"</Types>", (
        b'<Override PartName="/xl/threadedComments/threadedComment1.xml" ContentType="application/vnd.ms-excel.threadedcomments+xml"/>'
        b'<Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.person+xml"/>'
        b'<Override PartName="/customXml/itemProps1.xml" ContentType="application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/>'
        b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
        b"</Types>"))
    if b'Extension="xml"' not in ct:
        ct = ct.replace(b"</Types>", b'<Default Extension="xml" ContentType="application/xml"/></Types>')
    parts["[Content_Types].xml"] = ct
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def libreoffice_saved(path: Path, convert) -> Path:
    """The openpyxl-made workbook, saved again by LibreOffice (its own XML style: customHeight rows…)."""
    source = path.with_name("lo-source.xlsx")
    openpyxl_made(source)
    produced = convert(source, "xlsx:Calc MS Excel 2007 XML")
    shutil.copy(produced, path)
    return path


BUILDERS = {
    "charts_images_shapes": charts_images_shapes,
    "sparklines_databars_validation": sparklines_databars_validation,
    "tables_filters_names_print": tables_filters_names_print,
    "protection_properties_merges_rich": protection_properties_merges_rich,
    "notes_and_dates_1904": notes_and_dates_1904,
    "macro_workbook": macro_workbook,
    "openpyxl_made": openpyxl_made,
    "inline_strings": inline_strings,
    "threaded_customxml_external": lambda path: with_parts(path, openpyxl_made),
}


def libreoffice_pivot(path: Path, convert) -> Path:
    """The orders and a pivot table over them, made by LibreOffice from a flat ODS written here."""
    from xml.sax.saxutils import escape

    def cell(value) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'

    rows = "".join(f"<table:table-row>{''.join(cell(v) for v in row)}</table:table-row>" for row in [HEADER, *ORDERS])
    last = f"K{len(ORDERS) + 1}"
    fods = f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:body><office:spreadsheet>
<table:table table:name="订单">{rows}</table:table>
<table:table table:name="透视"><table:table-row><table:table-cell/></table:table-row></table:table>
<table:data-pilot-tables><table:data-pilot-table table:name="金额透视" table:target-range-address="透视.A1:透视.B9" table:buttons="透视.A1">
<table:source-cell-range table:cell-range-address="订单.A1:订单.{last}"/>
<table:data-pilot-field table:source-field-name="订单状态" table:orientation="row" table:used-hierarchy="-1"/>
<table:data-pilot-field table:source-field-name="总金额" table:orientation="data" table:function="sum"/>
</table:data-pilot-table></table:data-pilot-tables>
</office:spreadsheet></office:body></office:document>'''
    source = path.with_name(path.stem + "-source.fods")
    source.write_text(fods, encoding="utf-8")
    shutil.copy(convert(source, "xlsx:Calc MS Excel 2007 XML"), path)
    source.unlink()
    return path
