import { CompilerOutputReader, type CompilerDiagnostic, type CompilerOutputContext } from '../../../src/core/testing/compilerDiagnostics';

/** The diagnostics of a whole output, read line by line as a mix task's terminal reads them. */
export function readCompilerOutput(text: string, context: CompilerOutputContext): CompilerDiagnostic[] {
  const reader = new CompilerOutputReader(context);
  const found: CompilerDiagnostic[] = [];
  for (const line of text.split('\n')) found.push(...reader.push(line));
  found.push(...reader.end());
  return found;
}
