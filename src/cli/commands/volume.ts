import type { Command } from 'commander';

// Registration point owned by the volume I/O work; replaced as that work lands.
export function register(program: Command): void {
  void program;
}
