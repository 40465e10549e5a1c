; Inno Setup 6 script: the per-user Windows installer of Sổ đảng viên 213.
;
; Wraps the one-folder build (python packaging\build.py makes dist\SoDangVien213\ first) into
; dist\SoDangVien213-Setup-<version>.exe.  The version comes from pyproject.toml, handed over
; on the command line:
;     ISCC.exe /DAppVersion=0.1.0 packaging\SoDangVien213.iss
; (.github/workflows/windows.yml does both steps on a Windows runner.)
;
; Per user, no administrator rights: the program goes to %LOCALAPPDATA%\Programs\SoDangVien213,
; the shortcuts to the user's Start menu and desktop.  The data — the database, its backups and
; the log in %LOCALAPPDATA%\SoDangVien213 — is written by the program, never by the installer, so
; uninstalling removes the program and leaves the data where it is.

#ifndef AppVersion
  #error Give the version: ISCC /DAppVersion=x.y.z packaging\SoDangVien213.iss
#endif
#define AppName "Sổ đảng viên 213"
#define AppExe "SoDangVien213.exe"

[Setup]
; the same id in every version, so a new version installs over the old one
AppId={{4C7D0B7E-2B1F-4D4A-9B3E-6A2F1C213213}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Sổ đảng viên 213
VersionInfoVersion={#AppVersion}
PrivilegesRequired=lowest
DefaultDirName={autopf}\SoDangVien213
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist
OutputBaseFilename=SoDangVien213-Setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExe}
CloseApplications=yes

[Languages]
Name: "vi"; MessagesFile: "compiler:Default.isl,Vietnamese.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\dist\SoDangVien213\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Quản lý đảng viên đang công tác giữ mối liên hệ nơi cư trú"
Name: "{autoprograms}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataFolder: String;
begin
  DataFolder := ExpandConstant('{localappdata}\SoDangVien213');
  if (CurUninstallStep = usPostUninstall) and DirExists(DataFolder) and not UninstallSilent then
    MsgBox('Dữ liệu của chương trình vẫn được giữ trong thư mục:' + #13#10 + DataFolder + #13#10#13#10 +
           'Cài lại chương trình thì dữ liệu được dùng tiếp. Muốn xóa hẳn thì tự xóa thư mục này.',
           mbInformation, MB_OK);
end;
