"""zh-CN by default, English on request (--lang en or SHOPBOOK_LANG=en)."""

from __future__ import annotations

import os

LANGS = ("zh", "en")
_current: str | None = None


def set_lang(lang: str | None) -> None:
    global _current
    _current = _normal(lang) if lang else None


def lang() -> str:
    return _current or _normal(os.environ.get("SHOPBOOK_LANG", "zh"))


def _normal(value: str) -> str:
    return "en" if value.lower().startswith("en") else "zh"


def pick(zh: str, en: str) -> str:
    return en if lang() == "en" else zh


# Messages shared by every command. Keys are stable; text is formatted with str.format.
MESSAGES: dict[str, tuple[str, str]] = {
    "err.missing_file": ("找不到文件：{path}。请检查路径是否正确。", "File not found: {path}. Check the path."),
    "err.not_spreadsheet": ("{path} 不是可读取的表格文件（支持 .xlsx .xlsm .xls .csv）。请另存为 .xlsx 后再试。",
                            "{path} is not a readable spreadsheet (.xlsx .xlsm .xls .csv). Save it as .xlsx and try again."),
    "err.encrypted": ("{path} 设有打开密码，无法读取。请在 Excel/WPS 中取消密码（文件→信息→保护工作簿）后再试。",
                      "{path} is password-protected. Remove the password in Excel/WPS (File > Info > Protect Workbook) and try again."),
    "err.strict_ooxml": ("{path} 是以“Strict Open XML 电子表格”格式保存的，shopbook 读不了这种格式。请用 Excel 打开它，"
                         "另存为“Excel 工作簿 (*.xlsx)”后再试。",
                         "{path} is saved as a Strict Open XML Spreadsheet, which shopbook cannot read. Open it in Excel, "
                         "save it as an Excel Workbook (*.xlsx) and try again."),
    "err.corrupt": ("{path} 无法打开（文件可能已损坏：{detail}）。请用 Excel/WPS 打开并另存为 .xlsx 后再试。",
                    "{path} cannot be opened (it may be damaged: {detail}). Open it in Excel/WPS, save as .xlsx and try again."),
    "err.empty": ("{path} 是空文件（0 字节），里面没有任何内容。请重新导出或从备份恢复该文件。",
                  "{path} is empty (0 bytes). Export it again or restore it from a backup."),
    "err.truncated": ("{path} 不完整（文件被截断，可能下载或复制未完成）。请重新下载/复制该文件，或用 Excel/WPS 打开修复后另存为 .xlsx。",
                      "{path} is incomplete (cut short, e.g. an unfinished download or copy). Download or copy it again, or repair it in Excel/WPS and save as .xlsx."),
    "err.damaged": ("{path} 已损坏：缺少 {part}。请用 Excel/WPS 打开修复后另存为 .xlsx，或从备份恢复。",
                    "{path} is damaged: {part} is missing. Open and repair it in Excel/WPS and save as .xlsx, or restore a backup."),
    "err.corrupt_sheet": ("{path}，工作表“{sheet}”已损坏，无法读取（{detail}）。请用 Excel/WPS 打开该工作簿并另存为 .xlsx 后再试。",
                          "{path}, sheet '{sheet}' is damaged and cannot be read ({detail}). Open the workbook in Excel/WPS, save it as .xlsx and try again."),
    "err.too_large": ("{path}，工作表“{sheet}”的内容一直延伸到 {corner}（约 {cells} 个单元格，上限 {limit}）。通常是表格外很远处有误输入的内容：请删除数据之后多余的行和列，保存后再试。",
                      "{path}, sheet '{sheet}' reaches out to cell {corner} (about {cells} cells; the limit is {limit}). Usually a stray entry far outside the table: delete the rows and columns after your data, save and try again."),
    "err.renamed": ("{path} 的扩展名与内容不符：它其实是 {actual} 文件。请把扩展名改回 {actual}，或在 Excel/WPS 中另存为 .xlsx。",
                    "{path} has the wrong extension: it is really a {actual} file. Rename it to {actual}, or save it as .xlsx in Excel/WPS."),
    "err.bad_encoding": ("{path} 不是 {encoding} 编码的文本，无法读取。请在 Excel/WPS 中另存为“CSV UTF-8”或 .xlsx。",
                         "{path} is not {encoding} text and cannot be read. Save it as 'CSV UTF-8' or .xlsx in Excel/WPS."),
    "err.os.denied": ("没有权限访问 {path}（文件夹只读，或文件正被其他程序占用）。请检查该文件夹的权限、关闭占用的程序，或换一个输出文件夹（shop.toml 的 [reports] out_dir）。",
                      "No permission to access {path} (a read-only folder, or the file is in use). Check the folder's permissions, close the other program, or choose another output folder ([reports] out_dir in shop.toml)."),
    "err.os.read_only": ("{path} 位于只读的磁盘上，无法写入。请换一个输出文件夹（shop.toml 的 [reports] out_dir）。",
                         "{path} is on a read-only disk. Choose another output folder ([reports] out_dir in shop.toml)."),
    "err.os.no_space": ("磁盘空间不足，无法写入 {path}。请清理磁盘空间后再试。", "No space left on the disk to write {path}. Free some space and try again."),
    "err.os.missing": ("找不到 {path}（文件或文件夹在运行中被移走或删除）。请检查路径后再试。",
                       "{path} was not found (moved or deleted while running). Check the path and try again."),
    "err.os.is_dir": ("{path} 是一个文件夹，这里需要的是文件。请换一个名称或路径。", "{path} is a folder where a file is needed. Use another name or path."),
    "err.os.not_dir": ("{path} 的上级路径中有一个同名文件，这里需要的是文件夹。请删除或改名该文件。",
                       "A file stands where a folder of {path} is needed. Delete or rename that file."),
    "err.os.too_long": ("路径过长：{path}。请换一个更短的文件夹或文件名。", "Path too long: {path}. Use a shorter folder or file name."),
    "err.os.other": ("无法读写 {path}：{reason}。请检查该文件或文件夹后再试。", "Cannot read or write {path}: {reason}. Check the file or folder and try again."),
    "err.no_header": ("{path}：在任何工作表的前 20 行都找不到可识别的表头。请确认表头包含如“订单编号”“快递单号”等列名，或用 --kind 指定表格类型。",
                      "{path}: no recognisable header in the first 20 rows of any sheet. Make sure the header has column names such as 订单编号 or 快递单号, or pass --kind."),
    "err.no_header_kind": ("{path}，工作表“{sheet}”：前 20 行找不到“{kind}”表的表头（至少需要：{required}）。",
                           "{path}, sheet '{sheet}': no header for a {kind} sheet in the first 20 rows (needs at least: {required})."),
    "err.wrong_kind": ("{path} 中没有“{kind}”表：工作表 {found} 是别的表。请换一个文件，或去掉 --kind 让 shopbook 自动识别。",
                       "{path} has no sheet of that kind ({kind}): sheet(s) {found} are another kind. Choose another file, or drop --kind to let shopbook detect it."),
    "err.unknown_kind": ("未知的表格类型“{kind}”。可用类型：{kinds}。", "Unknown sheet kind '{kind}'. Known kinds: {kinds}."),
    "err.no_sheet": ("{path} 中没有名为“{sheet}”的工作表。现有工作表：{sheets}。", "{path} has no sheet named '{sheet}'. Sheets: {sheets}."),
    "err.config": ("配置文件 {path} 有误：{detail}。请参照 docs/shop-folder.md 修改。", "Config file {path} is invalid: {detail}. See docs/shop-folder.md."),
    "err.exists": ("{path} 已存在且不为空。请换一个文件夹，或加 --force 覆盖模板文件。", "{path} exists and is not empty. Choose another folder or pass --force."),
    "err.calendar_year": ("工作日历不包含 {year} 年（节假日与调休数据仅到 {last} 年）。请升级 chinese-calendar（pip install -U chinese-calendar），或在 shop.toml 的 [calendar] 中写明该年的假日与调休。",
                          "The working-day calendar does not cover {year} (holiday data ends with {last}). Upgrade chinese-calendar (pip install -U chinese-calendar) or list that year's holidays and make-up days under [calendar] in shop.toml."),
    "err.locked": ("{path} 正在被 Excel/WPS 打开（发现锁文件 {lock}）。请先关闭该工作簿再运行。", "{path} is open in Excel/WPS (lock file {lock}). Close the workbook and run again."),
    "err.no_table": ("在 {where} 找不到“{kind}”表。请把该表放进店铺文件夹，或用参数指定文件。", "No {kind} sheet found in {where}. Put it in the shop folder or pass the file."),
    "coerce.id_damaged": ("{value} 被 Excel 存成了数字，第 15 位之后的数字已丢失。请从原始导出文件重新复制，并把该列设为“文本”格式。",
                          "{value} was stored by Excel as a number and lost the digits past the 15th. Copy it again from the original export and format the column as Text."),
    "coerce.id_as_number": ("{value} 被存成了数字（未丢位）。建议把该列设为“文本”格式，以免超过 15 位时丢失数字。",
                            "{value} is stored as a number (no digits lost). Format the column as Text so longer numbers keep their digits."),
    "coerce.bad_date": ("“{value}”不是可识别的日期/时间。请写成 2026-10-03 或 2026-10-03 14:05。", "'{value}' is not a recognisable date/time. Write it as 2026-10-03 or 2026-10-03 14:05."),
    "coerce.bad_number": ("“{value}”不是数字。请只填数字。", "'{value}' is not a number. Enter digits only."),
    "coerce.too_large": ("“{value}”大得不合理，不可能是真实的数量。请核对这个格子。", "'{value}' is too large to be a real quantity. Check this cell."),
    "coerce.bad_money": ("“{value}”不是金额。请写成 12.50 这样的数字（可带“元”或“¥”）。", "'{value}' is not an amount of money. Write it like 12.50 (元 or ¥ allowed)."),
    "coerce.bad_enum": ("“{value}”不是可选值之一（{values}）。请从下拉列表中选择。", "'{value}' is not one of the allowed values ({values}). Pick one from the dropdown."),
    "read.cell_error": ("单元格 {cell} 是错误值 {value}（公式出错），按空白处理会漏查。请在 Excel/WPS 中修正该公式，或改填实际内容。",
                        "Cell {cell} holds the error {value} (a failed formula); read as empty it would escape every check. Fix the formula in Excel/WPS or type the value."),
    "read.uncached": ("单元格 {cell} 是公式但没有计算结果：工作簿保存时没有计算公式值。请用 Excel/WPS 打开并保存后再试。",
                      "Cell {cell} is a formula with no calculated value: the workbook was saved without calculated values. Open and save it in Excel/WPS, then try again."),
    "read.duplicate_header": ("表头“{value}”（{cell}）与“{first_header}”（{first}）是同一列，只读取了 {first}。请删除或改名其中一列。",
                              "Header '{value}' ({cell}) duplicates '{first_header}' ({first}); only {first} is read. Delete or rename one of them."),
    "coerce.bad_bool": ("“{value}”应为“是”或“否”。", "'{value}' should be 是 (yes) or 否 (no)."),
}


def register(messages: dict[str, tuple[str, str]]) -> None:
    """Feature modules add their own message keys (prefix them with the module's name)."""
    clash = set(messages) & set(MESSAGES)
    if clash:
        raise ValueError(f"message keys registered twice: {sorted(clash)}")
    MESSAGES.update(messages)


def t(key: str, **params: object) -> str:
    zh, en = MESSAGES[key]
    return pick(zh, en).format(**params)
