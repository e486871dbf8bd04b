// Entry of the single-executable customer client (Node SEA): the options it was downloaded with
// come from its own trailer; anything on the command line overrides them.
import { runCustomer } from './customer/customer-command.ts';
import { readTrailer } from './embedded-config.ts';
import { runJump } from './jump/jump-command.ts';

const embedded = readTrailer(process.execPath);
const argv = process.argv.slice(2);
// A Jump Client attached during a session runs from this same executable (JMP-10, jump/attach.ts).
(argv[0] === 'jump' ? runJump(argv.slice(1)) : runCustomer(argv, embedded)).catch((err: unknown) => {
  console.error(`passerelle-customer: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
