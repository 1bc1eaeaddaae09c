/**
 * One pair of the stubbed-call benchmark (the hand-written call and one contender) in a process of its own (see ./stubbed-call.ts).
 * Argument: the `WorkerOptions` as JSON. Prints the samples per operation as one JSON line.
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import { loadDynakit } from './lib/dynakit.js';
import { setMetric } from './lib/measure.js';
import { measurePair, type WorkerOptions } from './stubbed-call.js';

const options = JSON.parse(process.argv[2] ?? '{}') as WorkerOptions;
setMetric(options.metric);
await loadDynakit(options.dynakitEntry);
const samples = await measurePair(options);
process.stdout.write(JSON.stringify(samples) + '\n');
