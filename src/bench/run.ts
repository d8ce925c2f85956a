/** `reawait bench`: placeholder until the benchmark lands. */
export interface BenchOptions {
  /** Fewer iterations, for a smoke run. */
  quick?: boolean;
}
export async function runBench(options: BenchOptions = {}): Promise<void> {
  void options;
  throw new Error('not implemented yet');
}
