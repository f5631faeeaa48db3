/** SHA-256 hashers for checkpoint fingerprints (the pure report code takes them injected). */
import { createHash } from 'node:crypto';
import type { Hasher } from '../../shared/replay/checkpoint-report';

export function sha256Hasher(): Hasher {
  const h = createHash('sha256');
  return {
    update(chunk: string): void {
      h.update(chunk, 'latin1');
    },
    digest(): string {
      return h.digest('hex');
    },
  };
}
