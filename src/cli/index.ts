// The `passerelle` command: broker, start (desktop console or web console), and later the
// customer client and Jump Client commands.
import { runBroker } from './broker-command.ts';
import { runCustomer } from '../endpoint/customer/customer-command.ts';
import { runJump } from '../endpoint/jump/jump-command.ts';
import { runPublishConsole } from './publish-console-command.ts';
import { runStart } from './start-command.ts';

const usage = `Usage: passerelle <command> [options]
Commands:
  broker   run the broker (server): passerelle broker --help
  start    open the desktop console with its bundled broker; without Electron's binary, run the
           broker and print the web console's address
  publish-console  offer a console build (installers) for download and auto-update
  customer join a support session as the customer: passerelle customer --help
  jump     the Jump Client (unattended access): passerelle jump --help`;

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'broker':
      await runBroker(rest);
      return;
    case 'customer':
      await runCustomer(rest);
      return;
    case 'jump':
      await runJump(rest);
      return;
    case 'start':
      await runStart(rest);
      return;
    case 'publish-console':
      await runPublishConsole(rest);
      return;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(usage);
      return;
    default:
      console.error(`Unknown command "${command}".\n${usage}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`passerelle: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
