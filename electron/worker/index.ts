/**
 * Worker entry: one process per run (see docs/architecture.md). Placeholder until the run
 * protocol lands: it only answers pings.
 *
 * The worker imports shared/ only, never Electron or host code, so that `child_process.fork`
 * can run it under plain Node exactly as `utilityProcess.fork` runs it under Electron.
 */
import { connectToParent } from './parent-channel';
import { handleMessage } from './handle-message';

const parent = connectToParent();
if (parent === null) {
  console.error('arenascope worker: no parent channel; start me with utilityProcess.fork or child_process.fork');
  process.exit(1);
}

parent.onMessage((message) => {
  const reply = handleMessage(message);
  if (reply !== null) parent.send(reply);
});

// A forked worker whose host went away has nobody to report to: leave instead of lingering as
// an orphan. (Electron kills its utility processes itself when the app quits.)
process.on('disconnect', () => process.exit(0));
