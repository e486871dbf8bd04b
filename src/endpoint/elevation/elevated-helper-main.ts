// The elevated helper's command line (run by sudo as root): `<socket> <token file> <files root> <client pid>`.
// Prints one JSON line ({"ready":true,"uid":0}) once it listens; the client waits for it.
import { HelperArgs } from '../../protocol/elevation.ts';
import { runElevatedHelper } from './elevated-helper.ts';

export async function elevatedHelperMain(argv: string[]): Promise<void> {
  const args = HelperArgs.safeParse(argv);
  if (!args.success) {
    console.error('passerelle elevated helper: usage: <socket> <token file> <files root> <client pid>');
    process.exit(2);
  }
  const [socketPath, tokenFile, filesRoot, clientPid] = args.data;
  const { stopped } = await runElevatedHelper({ socketPath, tokenFile, filesRoot, clientPid, log: (m) => console.error(`passerelle elevated helper: ${m}`) });
  process.stdout.write(`${JSON.stringify({ ready: true, uid: process.getuid?.() ?? -1 })}\n`);
  await stopped;
  process.exit(0);
}
