; fourmi's Windows installer (NSIS 3, built on Linux by packaging/build.sh with makensis).
; Per-user: no administrator rights, installed under %LOCALAPPDATA%\Programs\fourmi; a Start-menu
; entry, an optional desktop shortcut, an uninstaller in "Apps and features". Installing again
; upgrades in place. The data (%LOCALAPPDATA%\fourmi\fourmi\data) is never touched by the
; installer, and the uninstaller keeps it unless the user ticks "Delete the data too".
;
; makensis -DVERSION=0.1.0 -DEXE=path\to\fourmi.exe -DOUT=path\to\setup.exe fourmi.nsi

Target amd64-unicode
!include "MUI2.nsh"
!include "FileFunc.nsh"

!ifndef VERSION
  !error "VERSION is not defined (makensis -DVERSION=...)"
!endif
!ifndef EXE
  !error "EXE is not defined (makensis -DEXE=path/to/fourmi.exe)"
!endif
!ifndef OUT
  !define OUT "fourmi-${VERSION}-setup.exe"
!endif

!define APP "fourmi"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\fourmi"

Name "${APP} ${VERSION}"
OutFile "${OUT}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "Software\${APP}" "InstallDir"
SetCompressor /SOLID lzma
Icon "..\..\assets\icon\fourmi.ico"
UninstallIcon "..\..\assets\icon\fourmi.ico"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "FileDescription" "fourmi installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "fourmi contributors"

!define MUI_ICON "..\..\assets\icon\fourmi.ico"
!define MUI_UNICON "..\..\assets\icon\fourmi.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\fourmi.exe"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "French"

LangString SecApp ${LANG_ENGLISH} "fourmi (required)"
LangString SecApp ${LANG_FRENCH} "fourmi (obligatoire)"
LangString SecDesktop ${LANG_ENGLISH} "Desktop shortcut"
LangString SecDesktop ${LANG_FRENCH} "Raccourci sur le bureau"
LangString SecUnApp ${LANG_ENGLISH} "fourmi (the program)"
LangString SecUnApp ${LANG_FRENCH} "fourmi (le programme)"
LangString SecUnData ${LANG_ENGLISH} "Delete the data too (every interview on this laptop, for good)"
LangString SecUnData ${LANG_FRENCH} "Effacer aussi les données (tous les entretiens de cet ordinateur, définitivement)"
LangString Running ${LANG_ENGLISH} "fourmi is running. Close it (your work is saved), then try again."
LangString Running ${LANG_FRENCH} "fourmi est ouvert. Fermez-le (votre travail est enregistré), puis réessayez."

Function .onInit
  IfSilent quiet
    !insertmacro MUI_LANGDLL_DISPLAY
  quiet:
FunctionEnd

Function un.onInit
  IfSilent quiet
    !insertmacro MUI_UNGETLANGUAGE
  quiet:
FunctionEnd

Section "!$(SecApp)" SecAppId
  SectionIn RO
  SetOutPath "$INSTDIR"
  ; A running fourmi.exe cannot be written: say so instead of half-upgrading.
  IfFileExists "$INSTDIR\fourmi.exe" 0 replace
    ClearErrors
    FileOpen $0 "$INSTDIR\fourmi.exe" a
    IfErrors 0 writable
      MessageBox MB_OK|MB_ICONEXCLAMATION "$(Running)" /SD IDOK
      Abort
    writable:
    FileClose $0
  replace:
  File "/oname=fourmi.exe" "${EXE}"
  File "/oname=fourmi.ico" "..\..\assets\icon\fourmi.ico"
  File "/oname=README.txt" "..\..\README.md"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  SetShellVarContext current
  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\fourmi.exe" "" "$INSTDIR\fourmi.ico"
  CreateShortcut "$SMPROGRAMS\${APP}\Uninstall ${APP}.lnk" "$INSTDIR\uninstall.exe"
  WriteRegStr HKCU "Software\${APP}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "fourmi contributors"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\fourmi.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section "$(SecDesktop)" SecDesktopId
  SetShellVarContext current
  CreateShortcut "$DESKTOP\${APP}.lnk" "$INSTDIR\fourmi.exe" "" "$INSTDIR\fourmi.ico"
SectionEnd

Section "un.$(SecUnApp)" SecUnAppId
  SectionIn RO
  SetShellVarContext current
  Delete "$INSTDIR\fourmi.exe"
  Delete "$INSTDIR\fourmi.ico"
  Delete "$INSTDIR\README.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP}\${APP}.lnk"
  Delete "$SMPROGRAMS\${APP}\Uninstall ${APP}.lnk"
  RMDir "$SMPROGRAMS\${APP}"
  Delete "$DESKTOP\${APP}.lnk"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\${APP}"
SectionEnd

; Not ticked unless the user ticks it: the data outlives the program.
Section /o "un.$(SecUnData)" SecUnDataId
  RMDir /r "$LOCALAPPDATA\fourmi\fourmi\data"
  RMDir "$LOCALAPPDATA\fourmi\fourmi"
  RMDir "$LOCALAPPDATA\fourmi"
SectionEnd
