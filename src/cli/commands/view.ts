import type { Command } from 'commander';

// Registration point owned by the viewer work; replaced as that work lands.
export function register(program: Command): void {
  void program;
}
