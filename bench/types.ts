export interface Metric {
  value: number;
  unit: string;
  /** Which direction is better, for the report. */
  better: 'higher' | 'lower';
  /** A target from an issue or the paper, when there is one. */
  target?: number;
}

export interface BenchResult {
  metrics: Record<string, Metric>;
  /** Free-form facts worth keeping beside the numbers (inputs, settings). */
  details?: Record<string, unknown>;
}

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<BenchResult>;
}
