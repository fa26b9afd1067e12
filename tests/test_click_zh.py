"""Issue 10 §3: click's own messages and option help in Chinese by default, English with --lang en."""

from click.testing import CliRunner

from automation.cli import cli


def test_missing_argument_and_bad_values_are_chinese_by_default():
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2 and "错误：缺少参数 'PATH'" in result.output and "Missing argument" not in result.output
    result = CliRunner().invoke(cli, ["stubs", "--date", "2026-13-01"])
    assert result.exit_code == 2 and "的取值无效" in result.output and "不符合格式" in result.output


def test_english_with_lang_en():
    result = CliRunner().invoke(cli, ["--lang", "en", "validate"])
    assert "Error: Missing argument 'PATH'." in result.output
    result = CliRunner().invoke(cli, ["--lang", "en", "monthly", "--help"])
    assert "Usage:" in result.output and "Send it over SMTP" in result.output


def test_option_help_is_chinese_by_default():
    result = CliRunner().invoke(cli, ["monthly", "--help"])
    assert result.exit_code == 0
    assert "用法：" in result.output and "选项" in result.output
    assert "通过 SMTP 发送" in result.output and "数据不完整也照样发送" in result.output and "显示本帮助并退出" in result.output
    assert "Send it over SMTP" not in result.output
