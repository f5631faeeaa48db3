/** Every fuzz target, in the order the runner and the test run them. */
import type { FuzzTarget } from '../harness';
import { paramsTarget } from './params';
import { protocolTarget } from './protocol';
import { sessionTarget } from './session';
import { traceTarget } from './trace';

export const TARGETS: readonly FuzzTarget[] = [traceTarget, protocolTarget, sessionTarget, paramsTarget];
