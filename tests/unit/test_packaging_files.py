"""What can be checked here of the Windows installer, which is built and run only on a Windows
runner (.github/workflows/windows.yml): per user, the version's name, the shortcuts, and an
uninstaller that never touches the data folder."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ISS = (ROOT / "packaging" / "SoDangVien213.iss").read_text(encoding="utf-8-sig")
ISL = (ROOT / "packaging" / "Vietnamese.isl").read_text(encoding="utf-8-sig")


def setting(name: str) -> str:
    match = re.search(rf"^{name}=(.*)$", ISS, re.M)
    assert match, name
    return match.group(1).strip()


def test_the_installer_is_per_user_and_named_after_the_version() -> None:
    assert setting("PrivilegesRequired") == "lowest"
    assert setting("DefaultDirName") == r"{autopf}\SoDangVien213"  # %LOCALAPPDATA%\Programs
    assert setting("OutputBaseFilename") == "SoDangVien213-Setup-{#AppVersion}"
    assert "#error" in ISS  # no version given, no installer (the workflow passes pyproject's)
    workflow = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    assert "/DAppVersion=$version" in workflow and "tomllib" in workflow
    assert "pyproject.toml" in workflow and "packaging/build.py --smoke" in workflow
    assert tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"]


def test_start_menu_and_desktop_shortcuts_open_the_window_program() -> None:
    icons = ISS.split("[Icons]")[1].split("\n[")[0]
    assert r'Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"' in icons
    assert r'Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"' in icons
    assert '#define AppExe "SoDangVien213.exe"' in ISS


def test_the_uninstaller_keeps_the_data_folder() -> None:
    assert "[UninstallDelete]" not in ISS and "DelTree" not in ISS
    assert "SoDangVien213\\" not in ISS.split("[Files]")[1].split("[Icons]")[0].replace(
        r"..\dist\SoDangVien213\*", "")  # only the built program is installed
    assert "vẫn được giữ" in ISL.split("ConfirmUninstall=")[1].splitlines()[0]


def test_the_installer_speaks_vietnamese() -> None:
    assert 'MessagesFile: "compiler:Default.isl,Vietnamese.isl"' in ISS
    for key in ("ButtonNext", "ButtonInstall", "ButtonFinish", "WelcomeLabel1", "WizardReady",
                "CreateDesktopIcon", "LaunchProgram", "UninstalledAll"):
        assert re.search(rf"^{key}=\S", ISL, re.M), key
