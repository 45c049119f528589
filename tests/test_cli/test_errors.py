import subprocess
import sys

import pytest

import mmseg_r2mrf.utils as utils
from mmseg_r2mrf import cli
from mmseg_r2mrf.cli import CommandError, StepFailed, new_work_dir, newest, run_main


def test_run_main_turns_expected_errors_into_a_message_and_a_status(capsys):
    def bad_input():
        raise CommandError('data/x exists; pass --force to replace it')

    def failed_step():
        raise StepFailed('train.py failed (exit code 1)')

    assert run_main(bad_input, prog='tool.py') == 2
    assert capsys.readouterr().err == 'tool.py: error: data/x exists; pass --force to replace it\n'
    assert run_main(failed_step, prog='tool.py') == 1
    assert run_main(lambda: None) == 0 and run_main(lambda: 3) == 3
    assert run_main(lambda: '| a table |') == 0  # a report, not a status
    with pytest.raises(KeyError):  # a bug keeps its traceback
        run_main(lambda: {}['missing'])


def test_jobs_raise_instead_of_exiting(tmp_path):
    with pytest.raises(CommandError, match='exists; choose a new --work-dir'):
        new_work_dir('demo', str(tmp_path))
    with pytest.raises(StepFailed, match='nothing matches'):
        newest(str(tmp_path / '*.pth'))


def test_old_utils_names_resolve_to_the_cli_layer():
    with pytest.warns(DeprecationWarning, match='moved to mmseg_r2mrf.cli.load_config'):
        assert utils.load_config is cli.load_config
    with pytest.warns(DeprecationWarning):
        assert utils.run_tool is cli.run_tool
    with pytest.raises(AttributeError):
        utils.no_such_name


def test_importing_utils_does_not_import_the_command_line_layer():
    code = ('import sys, mmseg_r2mrf.utils; '
            'print("mmseg_r2mrf.cli.jobs" in sys.modules)')
    # The package's own import registers everything; what matters is that utils itself does
    # not pull the cli layer in.
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == 'False'
