Attribute VB_Name = "Shopbook"
' shopbook buttons for Excel (xlwings RunPython).
'
' Use this module in your OWN macro workbook (.xlsm) when the xlwings add-in is installed
' (`xlwings addin install`, then in the VBA editor: Tools > References > xlwings):
'   VBA editor > File > Import File... > shopbook.bas
'   Insert > Form Controls > Button, and assign ShopbookValidate or ShopbookFlags.
' `shopbook button WORKBOOK` builds a ready-made shopbook按钮.xlsm instead: its two buttons call
' RunPython with exactly the commands below (see docs/live.md).
'
' The Python side is automation/button.py: it works on the calling workbook, or on the workbook
' whose full path is written in 说明!B3.

Option Explicit

Sub ShopbookValidate()
    ' 校验: colour problem cells, add notes, write the 校验结果 sheet
    RunPython "import automation.button; automation.button.validate()"
End Sub

Sub ShopbookFlags()
    ' 旗帜: 规范备注 column, row colours by flag, derived sheets
    RunPython "import automation.button; automation.button.flags()"
End Sub
