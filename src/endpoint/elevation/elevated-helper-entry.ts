// The elevated helper as a script of its own (development and tests: `node --import tsx this-file …`);
// the customer client's executable runs it as `passerelle-customer --elevated-helper …`.
import { elevatedHelperMain } from './elevated-helper-main.ts';

void elevatedHelperMain(process.argv.slice(2));
