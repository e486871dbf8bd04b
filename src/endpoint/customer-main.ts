// Entry of the single-executable customer client (Node SEA): the options it was downloaded with
// come from its own trailer; anything on the command line overrides them.
import { runCustomer } from './customer/customer-command.ts';
import { readTrailer } from './embedded-config.ts';

const embedded = readTrailer(process.execPath);
runCustomer(process.argv.slice(2), embedded).catch((err: unknown) => {
  console.error(`passerelle-customer: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
