; Inno Setup 6 script for Reflective Portfolio (see packaging/windows/README.md).
; Build the bundle first (packaging\reflective-portfolio.spec), then:
;   ISCC.exe /DAppVersion=0.1.0 packaging\windows\reflective-portfolio.iss
; Not yet built on Windows: treat the first run as a test.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=X.Y.Z (pyproject.toml's version)
#endif
#define AppName "Reflective Portfolio"
#define AppId "org.reflectiveportfolio.ReflectivePortfolio"
#define Bundle "..\..\build\dist\reflective-portfolio"
#define GuiExe "Reflective Portfolio.exe"

[Setup]
AppId={{#AppId}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Reflective Portfolio developers
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
; Per-user install: no administrator rights needed; {autopf} is then %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\build\dist
OutputBaseFilename=reflective-portfolio-{#AppVersion}-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
UninstallDisplayIcon={app}\{#GuiExe}
LicenseFile=..\..\LICENSE

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#GuiExe}"
Name: "{group}\{#AppName} (demo portfolio)"; Filename: "{app}\{#GuiExe}"; Parameters: "gui --demo"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Tasks: desktopicon

[Registry]
; .rpbackup files open in the app, which offers to restore them.
Root: HKA; Subkey: "Software\Classes\.rpbackup"; ValueType: string; ValueName: ""; ValueData: "{#AppId}.backup"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#AppId}.backup"; ValueType: string; ValueName: ""; ValueData: "Reflective Portfolio backup"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#AppId}.backup\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#GuiExe},0"
Root: HKA; Subkey: "Software\Classes\{#AppId}.backup\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#GuiExe}"" ""%1"""

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
