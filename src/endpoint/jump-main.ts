// Entry of the single-executable Jump Client (Node SEA), Linux and Windows. Downloaded from the
// wizard's link it carries the site, its pin and the deployment key in its trailer, so
// `./passerelle-jump-linux-x64 --install-dir DIR [--jc-…]` installs with nothing else; the copy it
// installs has no trailer (the key is never kept) and runs `run --install-dir DIR` as its service.
import { readTrailer } from './embedded-config.ts';
import { parseArgs } from 'node:util';
import { runJump, runJumpInstall, runJumpMsiInstall, runJumpMsiUninstall } from './jump/jump-command.ts';

const args = process.argv.slice(2);
const main = async (): Promise<void> => {
  if (args[0] === 'run' || args[0] === 'uninstall' || args[0] === 'help') return runJump(args);
  // The MSI's custom actions (src/installers/jump-msi.ts).
  if (args[0] === 'msi-install') {
    process.exitCode = await runJumpMsiInstall(args.slice(1), process.execPath);
    return;
  }
  if (args[0] === 'msi-uninstall') {
    const { values } = parseArgs({ args: args.slice(1), options: { 'install-dir': { type: 'string' } }, strict: true });
    if (values['install-dir']) process.exitCode = runJumpMsiUninstall(values['install-dir'], process.execPath);
    return;
  }
  const embedded = readTrailer(process.execPath);
  const rest = args[0] === 'install' ? args.slice(1) : args;
  process.exitCode = await runJumpInstall(rest, embedded ? { broker: embedded.broker, ...(embedded.pin ? { pin: embedded.pin } : {}), ...(embedded.keyInfo ? { keyInfo: embedded.keyInfo } : {}) } : undefined, process.execPath);
};
main().catch((err: unknown) => {
  console.error(`passerelle-jump: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
