// The console's MSI (ACC-2, CON-1), authored by the project from electron-builder's `win-unpacked`
// folder and built with Debian's `wixl`, so it builds on Linux.
//
// wixl has no UI (fine: deployments run /qn) and ignores component conditions, so:
//  - the guide's parameters are checked by launch conditions, which wixl does write: a bad value
//    (RUNATSTARTUP=2 …) fails the whole install with a message in the log, nothing half-installed;
//  - the one conditional piece, the Run entry for RUNATSTARTUP=1, gets its condition written into
//    the Component table after wixl with `msibuild` (msitools), and wixl's wrong root for HKMU
//    registry rows (4 instead of -1) is corrected the same way;
//  - the per-user default folder and "all-users installs never self-update" are type-51 custom
//    actions (set a property), which wixl supports.
// The choices are recorded under HKMU\Software\Passerelle\Console (HKLM for all users, HKCU per
// user), where the console reads them at start (src/desktop-core/install-settings.ts).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

export const MSI_UPGRADE_CODE = '5B0E6C1A-7A43-4C1E-9F2B-6D3B8E0C4A17';
export const REGISTRY_KEY = 'Software\\Passerelle\\Console';
export const RUN_KEY = 'Software\\Microsoft\\Windows\\CurrentVersion\\Run';

export interface ConsoleMsiInput {
  /** electron-builder's win-unpacked folder. */
  sourceDir: string;
  /** Executable file name inside it, e.g. Passerelle.exe. */
  exeName: string;
  productName: string;
  manufacturer: string;
  /** x.y.z (MSI versions are numeric; a pre-release suffix is dropped). */
  version: string;
}

/** Escapes text for an XML attribute or element (the .wxs sources of both MSIs). */
export const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const id = (prefix: string, key: string) => `${prefix}_${createHash('sha1').update(key).digest('hex').slice(0, 24)}`;

export function msiVersion(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) throw new Error(`not a semantic version: ${version}`);
  return `${m[1]}.${m[2]}.${m[3]}`;
}

interface Tree { dirs: Map<string, Tree>; files: string[] }

function walk(root: string): Tree {
  const tree: Tree = { dirs: new Map(), files: [] };
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(root, entry.name);
    if (entry.isDirectory()) tree.dirs.set(entry.name, walk(full));
    else if (entry.isFile()) tree.files.push(entry.name);
  }
  return tree;
}

/** The WiX source for the console MSI; file sources are written relative to `baseDir` (wixl wants relative paths). */
export function consoleWxs(input: ConsoleMsiInput, baseDir: string): string {
  const src = (abs: string) => relative(baseDir, abs).split(sep).join('/');
  const components: string[] = [];
  const emitDir = (tree: Tree, abs: string, indent: string): string => {
    let out = '';
    for (const file of tree.files) {
      const rel = relative(input.sourceDir, join(abs, file)).split(sep).join('/');
      const cid = id('c', rel);
      components.push(cid);
      out += `${indent}<Component Id="${cid}" Guid="*" Win64="yes"><File Id="${id('f', rel)}" Source="${xml(src(join(abs, file)))}" KeyPath="yes" /></Component>\n`;
    }
    for (const [name, sub] of tree.dirs) {
      const rel = relative(input.sourceDir, join(abs, name)).split(sep).join('/');
      out += `${indent}<Directory Id="${id('d', rel)}" Name="${xml(name)}">\n${emitDir(sub, join(abs, name), `${indent}  `)}${indent}</Directory>\n`;
    }
    return out;
  };
  const files = emitDir(walk(input.sourceDir), input.sourceDir, '          ');
  const exe = `[INSTALLDIR]${input.exeName}`;
  const reg = (name: string, value: string, type = 'string') =>
    `<RegistryValue Root="HKMU" Key="${REGISTRY_KEY}" Name="${name}" Type="${type}" Value="${xml(value)}"${name === 'InstallKind' ? ' KeyPath="yes"' : ''} />`;
  return `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="${xml(input.productName)}" Language="1033" Version="${msiVersion(input.version)}" Manufacturer="${xml(input.manufacturer)}" UpgradeCode="${MSI_UPGRADE_CODE}">
    <Package InstallerVersion="500" Compressed="yes" InstallScope="perMachine" Description="${xml(input.productName)} console" />
    <Media Id="1" Cabinet="console.cab" EmbedCab="yes" />
    <Property Id="RUNATSTARTUP" Value="0" />
    <Property Id="SHOULDAUTOUPDATE" Value="0" />
    <Property Id="ARPPRODUCTICON" Value="AppIcon" />
    <!-- Remember the folder: repairs, upgrades and uninstalls find the files where they went
         (an INSTALLDIR given on the command line still wins). -->
    <Property Id="REMEMBERED_INSTALLDIR">
      <RegistrySearch Id="InstallDirPerUser" Root="HKCU" Key="${REGISTRY_KEY}" Name="InstallDir" Type="raw" />
      <RegistrySearch Id="InstallDirAllUsers" Root="HKLM" Key="${REGISTRY_KEY}" Name="InstallDir" Type="raw" />
    </Property>
    <Icon Id="AppIcon" SourceFile="${xml(src(join(input.sourceDir, input.exeName)))}" />
    <Condition Message="RUNATSTARTUP must be 0 or 1 (default 0).">Installed OR RUNATSTARTUP="0" OR RUNATSTARTUP="1"</Condition>
    <Condition Message="SHOULDAUTOUPDATE must be 0 or 1 (default 0).">Installed OR SHOULDAUTOUPDATE="0" OR SHOULDAUTOUPDATE="1"</Condition>
    <Condition Message="ALLUSERS must be 1 (all users, the default) or empty (ALLUSERS=&quot;&quot;, the current user only).">Installed OR NOT ALLUSERS OR ALLUSERS="1"</Condition>
    <CustomAction Id="RestoreInstallDir" Property="INSTALLDIR" Value="[REMEMBERED_INSTALLDIR]" />
    <CustomAction Id="PerUserInstallDir" Property="INSTALLDIR" Value="[LocalAppDataFolder]Programs\\${xml(input.productName)}\\" />
    <CustomAction Id="AllUsersNeverSelfUpdate" Property="SHOULDAUTOUPDATE" Value="0" />
    <InstallExecuteSequence>
      <Custom Action="RestoreInstallDir" After="LaunchConditions">REMEMBERED_INSTALLDIR AND NOT INSTALLDIR</Custom>
      <Custom Action="PerUserInstallDir" After="RestoreInstallDir">NOT Installed AND NOT ALLUSERS AND NOT INSTALLDIR</Custom>
      <Custom Action="AllUsersNeverSelfUpdate" After="LaunchConditions">NOT Installed AND ALLUSERS="1"</Custom>
    </InstallExecuteSequence>
    <MajorUpgrade DowngradeErrorMessage="A newer version of ${xml(input.productName)} is already installed." />
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFiles64Folder">
        <Directory Id="INSTALLDIR" Name="${xml(input.productName)}">
${files}          <Component Id="Settings" Guid="*" Win64="yes">
            ${reg('InstallKind', 'msi')}
            ${reg('InstallDir', '[INSTALLDIR]')}
            ${reg('AllUsers', '[ALLUSERS]')}
            ${reg('RunAtStartup', '[RUNATSTARTUP]')}
            ${reg('ShouldAutoUpdate', '[SHOULDAUTOUPDATE]')}
            ${reg('Version', '[ProductVersion]')}
          </Component>
          <Component Id="RunAtStartup" Guid="*" Win64="yes">
            <RegistryValue Root="HKMU" Key="${RUN_KEY}" Name="${xml(input.productName)}" Type="string" Value="&quot;${xml(exe)}&quot; --login-start" KeyPath="yes" />
          </Component>
        </Directory>
      </Directory>
      <Directory Id="ProgramMenuFolder">
        <Component Id="StartMenuShortcut" Guid="*" Win64="yes">
          <Shortcut Id="StartMenuShortcut" Name="${xml(input.productName)}" Target="${xml(exe)}" WorkingDirectory="INSTALLDIR" />
          <RegistryValue Root="HKMU" Key="${REGISTRY_KEY}" Name="StartMenuShortcut" Type="integer" Value="1" KeyPath="yes" />
        </Component>
      </Directory>
    </Directory>
    <Feature Id="Console" Level="1">
${components.map((c) => `      <ComponentRef Id="${c}" />`).join('\n')}
      <ComponentRef Id="Settings" />
      <ComponentRef Id="RunAtStartup" />
      <ComponentRef Id="StartMenuShortcut" />
    </Feature>
  </Product>
</Wix>
`;
}

/** SQL applied after wixl, for what wixl cannot express (see the header). */
export const msiFixups = [
  "UPDATE Registry SET Root=-1 WHERE Root=4",
  // Read the remembered folder from the 64-bit registry view (msidbLocatorType64bit = 16).
  "UPDATE RegLocator SET Type=18 WHERE Type=2",
  // Also true while uninstalling, so the Run entry is removed whatever RUNATSTARTUP says then.
  "UPDATE Component SET Condition='RUNATSTARTUP=\"1\" OR REMOVE~=\"ALL\"' WHERE Component='RunAtStartup'",
];

/** Builds the MSI: writes the .wxs beside it, runs wixl, applies the fixups. Returns the MSI size. */
export function buildConsoleMsi(input: ConsoleMsiInput, outFile: string): { wxs: string; bytes: number } {
  const wxs = `${outFile.replace(/\.msi$/i, '')}.wxs`;
  writeFileSync(wxs, consoleWxs(input, dirname(wxs)));
  execFileSync('wixl', ['-a', 'x64', '-o', resolve(outFile), basename(wxs)], { cwd: dirname(wxs), stdio: ['ignore', 'inherit', 'inherit'] });
  for (const q of msiFixups) execFileSync('msibuild', [outFile, '-q', q], { stdio: ['ignore', 'inherit', 'inherit'] });
  return { wxs, bytes: statSync(outFile).size };
}
