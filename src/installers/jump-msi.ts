// The Jump Client's MSI (JMP-3), built with Debian's `wixl` around the Windows single executable
// (dist/jump/passerelle-jump-win-x64.exe, no trailer). The guide's properties:
//   msiexec /i passerelle-jump-win-x64.msi /qn KEY_INFO=… jc_jump_group=user:admin jc_tag=servers
//          jc_comments="…" installdir="C:\Program Files\Passerelle Jump"
// The site's address and certificate pin are not on that command line: the broker writes them into
// the package's Property table (PASSERELLE_SITE, PASSERELLE_PIN) when it serves the download, with
// msitools' `msibuild` on a cached copy per site (src/broker/services/jump-msi-site.ts).
//
// What the package does:
//  - launch conditions: KEY_INFO given, the package personalised by a site, jc_jump_group of the
//    form user:<name>; a bad value stops the install before anything is copied;
//  - msiexec upper-cases the property names of its command line, so the guide's `installdir`,
//    `jc_tag`… arrive as INSTALLDIR, JC_TAG…; the folder must not exist yet: an immediate action
//    checks it with cmd before anything is copied (JMP-2's rule);
//  - after InstallFiles, a deferred action runs the installed executable's `msi-install`, which
//    validates the jc_* values, registers with the site and writes the identity (0600); if it
//    fails, the installer rolls back (nothing half-installed) and the reason goes to the event log;
//  - HKLM\Software\Passerelle\JumpClient records the choices; HKLM's Run key starts the agent at
//    log-on and the install starts it at once (asyncNoWait). A Windows service needs a service
//    host around node.exe (the SCM expects StartServiceCtrlDispatcher): not built here;
//  - uninstall stops the agent and removes what it wrote (identity, pid, update files) before the
//    installer removes its own files and the folder;
//  - msi-install keeps the product code in msi.json: removed from the site's list, the agent runs
//    `msiexec /x <product code> /qn` so the package itself goes (files, registry, Run key).
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { JUMP_MSI_PIN_PROPERTY, JUMP_MSI_SITE_PROPERTY, JUMP_MSI_UNSET } from '../protocol/jump.ts';
import { msiVersion, xml } from './console-msi.ts';

export const JUMP_MSI_UPGRADE_CODE = '8C2F4B7E-3D1A-4E5F-9A6B-2C7D8E9F0A13';
export const JUMP_REGISTRY_KEY = 'Software\\Passerelle\\JumpClient';
export const JUMP_RUN_KEY = 'Software\\Microsoft\\Windows\\CurrentVersion\\Run';
export const JUMP_RUN_VALUE = 'Passerelle Jump Client';
export const JUMP_EXE = 'passerelle-jump.exe';
/** Placeholder values the broker replaces per site (src/broker/services/jump-msi-site.ts). */
export const UNSET = JUMP_MSI_UNSET;


export interface JumpMsiInput {
  /** The Windows single executable (without a trailer). */
  exe: string;
  /** x.y.z */
  version: string;
}

/** A folder argument for a Windows command line: `"C:\X\."`, since `"C:\X\"` would escape its closing quote. */
const dirArg = (prop: string) => `&quot;[${prop}].&quot;`;

export function jumpWxs(input: JumpMsiInput, baseDir: string): string {
  const src = relative(baseDir, input.exe).split(sep).join('/');
  const exe = `[INSTALLDIR]${JUMP_EXE}`;
  const reg = (name: string, value: string, keyPath = false) =>
    `<RegistryValue Root="HKLM" Key="${JUMP_REGISTRY_KEY}" Name="${name}" Type="string" Value="${xml(value)}"${keyPath ? ' KeyPath="yes"' : ''} />`;
  const installArgs = [
    'msi-install',
    `--install-dir ${dirArg('INSTALLDIR')}`,
    '&quot;--broker=[PASSERELLE_SITE]&quot;',
    '&quot;--pin=[PASSERELLE_PIN]&quot;',
    '&quot;--key=[KEY_INFO]&quot;',
    '&quot;--jc-jump-group=[JC_JUMP_GROUP]&quot;',
    '&quot;--jc-tag=[JC_TAG]&quot;',
    '&quot;--jc-comments=[JC_COMMENTS]&quot;',
    // Removal from the list runs `msiexec /x` of this code (the agent keeps it in msi.json).
    '&quot;--product-code=[ProductCode]&quot;',
  ].join(' ');
  return `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="Passerelle Jump Client" Language="1033" Version="${msiVersion(input.version)}" Manufacturer="Passerelle" UpgradeCode="${JUMP_MSI_UPGRADE_CODE}">
    <Package InstallerVersion="500" Compressed="yes" InstallScope="perMachine" Description="Passerelle Jump Client" />
    <Media Id="1" Cabinet="jump.cab" EmbedCab="yes" />
    <Property Id="${JUMP_MSI_SITE_PROPERTY}" Value="${UNSET}" />
    <Property Id="${JUMP_MSI_PIN_PROPERTY}" Value="${UNSET}" />
    <Property Id="SecureCustomProperties" Value="KEY_INFO;JC_JUMP_GROUP;JC_TAG;JC_COMMENTS;INSTALLDIR;PASSERELLE_SITE;PASSERELLE_PIN" />
    <!-- Remember the folder: uninstalls find the files where they went. -->
    <Property Id="REMEMBERED_INSTALLDIR">
      <RegistrySearch Id="JumpInstallDir" Root="HKLM" Key="${JUMP_REGISTRY_KEY}" Name="InstallDir" Type="raw" />
    </Property>
    <CustomAction Id="RestoreInstallDir" Property="INSTALLDIR" Value="[REMEMBERED_INSTALLDIR]" />
    <Condition Message="This package was not downloaded from a Passerelle site: download it from the site's Jump Clients tab.">Installed OR (PASSERELLE_SITE AND PASSERELLE_SITE&lt;&gt;"${UNSET}" AND PASSERELLE_PIN&lt;&gt;"${UNSET}")</Condition>
    <Condition Message="KEY_INFO=&lt;deployment key&gt; is required (the site's mass deployment wizard gives it).">Installed OR KEY_INFO</Condition>
    <Condition Message="jc_jump_group must be user:&lt;username&gt;.">Installed OR NOT JC_JUMP_GROUP OR JC_JUMP_GROUP &lt;&lt; "user:"</Condition>
    <CustomAction Id="RegisterJumpClient" FileKey="JumpExe" ExeCommand="${installArgs}" Execute="deferred" Impersonate="no" Return="check" />
    <CustomAction Id="RemoveJumpClientState" FileKey="JumpExe" ExeCommand="msi-uninstall --install-dir ${dirArg('INSTALLDIR')}" Execute="deferred" Impersonate="no" Return="ignore" />
    <CustomAction Id="StartJumpClient" FileKey="JumpExe" ExeCommand="run --install-dir ${dirArg('INSTALLDIR')}" Execute="immediate" Return="asyncNoWait" />
    <InstallExecuteSequence>
      <Custom Action="RestoreInstallDir" After="LaunchConditions">REMEMBERED_INSTALLDIR AND Installed</Custom>
      <Custom Action="RegisterJumpClient" After="InstallFiles">NOT Installed</Custom>
      <Custom Action="RemoveJumpClientState" Before="RemoveFiles">REMOVE~="ALL"</Custom>
      <Custom Action="StartJumpClient" After="InstallFinalize">NOT Installed</Custom>
    </InstallExecuteSequence>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder">
        <Directory Id="INSTALLDIR" Name="Passerelle Jump Client">
          <Component Id="JumpExe" Guid="*" Win64="yes">
            <File Id="JumpExe" Name="${JUMP_EXE}" Source="${xml(src)}" KeyPath="yes" />
            <RemoveFolder Id="RemoveInstallDir" On="uninstall" />
          </Component>
          <Component Id="Settings" Guid="*" Win64="yes">
            ${reg('InstallKind', 'msi', true)}
            ${reg('InstallDir', '[INSTALLDIR]')}
            ${reg('Version', '[ProductVersion]')}
            ${reg('Site', '[PASSERELLE_SITE]')}
            ${reg('JumpGroup', '[JC_JUMP_GROUP]')}
            ${reg('Tag', '[JC_TAG]')}
            ${reg('Comments', '[JC_COMMENTS]')}
            ${reg('ProductCode', '[ProductCode]')}
          </Component>
          <Component Id="RunAtLogon" Guid="*" Win64="yes">
            <RegistryValue Root="HKLM" Key="${JUMP_RUN_KEY}" Name="${JUMP_RUN_VALUE}" Type="string" Value="&quot;${xml(exe)}&quot; run --install-dir ${dirArg('INSTALLDIR')}" KeyPath="yes" />
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="JumpClient" Level="1">
      <ComponentRef Id="JumpExe" />
      <ComponentRef Id="Settings" />
      <ComponentRef Id="RunAtLogon" />
    </Feature>
  </Product>
</Wix>
`;
}

/** The folder check as a command line: any entry in it (even `.` of an empty folder) fails with 10. */
export const CHECK_INSTALL_DIR = '"[SystemFolder]cmd.exe" /d /c if exist "[INSTALLDIR]*" (exit 10) else (exit 0)';

/** Where each custom action runs (the standard actions' numbers are wixl's, shown in comments). */
export const JUMP_MSI_SEQUENCE = {
  RestoreInstallDir: 101, // LaunchConditions 100
  RemoveJumpClientState: 3499, // RemoveFiles 3500
  RegisterJumpClient: 4001, // InstallFiles 4000
  StartJumpClient: 6601, // InstallFinalize 6600
} as const;

/** SQL applied after wixl, for what wixl cannot express. */
export const jumpMsiFixups = [
  // wixl has no Directory= custom actions: type 34 (an executable run from a folder), immediate, checked.
  `INSERT INTO CustomAction (Action, Type, Source, Target) VALUES ('CheckInstallDir', 34, 'TARGETDIR', '${CHECK_INSTALL_DIR}')`,
  "INSERT INTO InstallExecuteSequence (Action, Condition, Sequence) VALUES ('CheckInstallDir', 'NOT Installed', 1001)",
  // wixl's Before=/After= numbering is unreliable (Before="RemoveFiles" came out as 1002, before
  // InstallInitialize; After="InstallFiles" drifted past InstallFinalize once another action was
  // added): every custom action gets its number here.
  ...Object.entries(JUMP_MSI_SEQUENCE).map(([action, n]) => `UPDATE InstallExecuteSequence SET Sequence=${n} WHERE Action='${action}'`),
  // Read the remembered folder from the 64-bit registry view (msidbLocatorType64bit = 16).
  "UPDATE RegLocator SET Type=18 WHERE Type=2",
  "UPDATE CustomAction SET Type=51 WHERE Action='RestoreInstallDir'",
  // wixl adds "no impersonation" to immediate actions too, where it means nothing.
  "UPDATE CustomAction SET Type=210 WHERE Action='StartJumpClient'",
];

/** Builds the MSI with wixl (the .wxs is written beside it). */
export function buildJumpMsi(input: JumpMsiInput, outFile: string): { wxs: string; bytes: number } {
  const out = resolve(outFile);
  mkdirSync(dirname(out), { recursive: true });
  const wxs = `${out.replace(/\.msi$/i, '')}.wxs`;
  writeFileSync(wxs, jumpWxs(input, dirname(wxs)));
  execFileSync('wixl', ['-a', 'x64', '-o', out, basename(wxs)], { cwd: dirname(wxs), stdio: ['ignore', 'inherit', 'inherit'] });
  for (const q of jumpMsiFixups) execFileSync('msibuild', [out, '-q', q], { stdio: ['ignore', 'inherit', 'inherit'] });
  return { wxs, bytes: statSync(out).size };
}

export const jumpMsiPath = (distJump: string) => join(distJump, 'passerelle-jump-win-x64.msi');
