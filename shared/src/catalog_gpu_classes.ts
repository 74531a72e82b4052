/**
 * GPU classes: what each GPU model in the catalog can do, so the recommendations engine never
 * moves work to a GPU that is weaker than the work needs.
 *
 * Three facts per model, from NVIDIA's data sheets:
 * - `computeCapability`: the CUDA architecture level. A GPU with a lower level may lack what
 *   the job uses (BF16/TF32 need 8.0, FP8 needs 8.9), so a move to a lower level is never safe.
 * - `fp16Tflops`: dense FP16/BF16 tensor throughput (FP16 vector throughput where there are no
 *   tensor cores). Used to project how busy the same work would keep a different GPU.
 * - `rank`: the ordinal class, by capability and generation. Ties share a rank. The ranking
 *   weighs memory bandwidth and interconnect as well as FLOPS, which is why V100 (HBM2, NVLink,
 *   900 GB/s) ranks above A10G/L4 (GDDR6, 300–600 GB/s) despite similar tensor FLOPS, and A100
 *   above L40S (1.5–2 TB/s HBM, NVLink) despite the L40S's higher FP16 peak.
 */

/** One GPU model's capability figures. */
export interface GpuClass {
  model: string;
  rank: number;
  computeCapability: number;
  fp16Tflops: number;
  memoryBandwidthGbps: number;
  architecture: string;
}

const CLASSES: readonly GpuClass[] = [
  // Maxwell, 2015: no tensor cores, no fast FP16; FP32 figure given.
  { model: 'M60', rank: 1, computeCapability: 5.2, fp16Tflops: 4.8, memoryBandwidthGbps: 160, architecture: 'Maxwell' },
  // Pascal, 2016: HBM2 but no tensor cores.
  { model: 'P100', rank: 2, computeCapability: 6.0, fp16Tflops: 18.7, memoryBandwidthGbps: 732, architecture: 'Pascal' },
  // Turing, 2018: 70 W inference card.
  { model: 'T4', rank: 3, computeCapability: 7.5, fp16Tflops: 65, memoryBandwidthGbps: 320, architecture: 'Turing' },
  // Ampere/Ada inference cards, 24 GB GDDR6.
  { model: 'A10G', rank: 4, computeCapability: 8.6, fp16Tflops: 70, memoryBandwidthGbps: 600, architecture: 'Ampere' },
  { model: 'A10', rank: 4, computeCapability: 8.6, fp16Tflops: 125, memoryBandwidthGbps: 600, architecture: 'Ampere' },
  { model: 'L4', rank: 4, computeCapability: 8.9, fp16Tflops: 121, memoryBandwidthGbps: 300, architecture: 'Ada' },
  // Volta, 2017: the first training GPU with tensor cores; HBM2 and NVLink.
  { model: 'V100', rank: 5, computeCapability: 7.0, fp16Tflops: 125, memoryBandwidthGbps: 900, architecture: 'Volta' },
  { model: 'V100-32GB', rank: 5, computeCapability: 7.0, fp16Tflops: 125, memoryBandwidthGbps: 900, architecture: 'Volta' },
  // Ada data-centre card, 48 GB GDDR6, no NVLink.
  { model: 'L40S', rank: 6, computeCapability: 8.9, fp16Tflops: 362, memoryBandwidthGbps: 864, architecture: 'Ada' },
  // Ampere training GPUs; the 80 GB part has more and faster memory.
  { model: 'A100', rank: 7, computeCapability: 8.0, fp16Tflops: 312, memoryBandwidthGbps: 1555, architecture: 'Ampere' },
  { model: 'A100-80GB', rank: 8, computeCapability: 8.0, fp16Tflops: 312, memoryBandwidthGbps: 2039, architecture: 'Ampere' },
  // Hopper and Blackwell.
  { model: 'H100', rank: 9, computeCapability: 9.0, fp16Tflops: 989, memoryBandwidthGbps: 3350, architecture: 'Hopper' },
  { model: 'H200', rank: 10, computeCapability: 9.0, fp16Tflops: 989, memoryBandwidthGbps: 4800, architecture: 'Hopper' },
  { model: 'B200', rank: 11, computeCapability: 10.0, fp16Tflops: 2250, memoryBandwidthGbps: 8000, architecture: 'Blackwell' },
];

const BY_MODEL = new Map(CLASSES.map((c) => [c.model, c]));

/** Every known GPU class, weakest first. */
export function gpuClasses(): readonly GpuClass[] {
  return [...CLASSES].sort((a, b) => a.rank - b.rank);
}

/** The class of a catalog GPU model (`A100`, `A100-80GB`, `L4` …), or undefined when unknown. */
export function gpuClass(model: string): GpuClass | undefined {
  return BY_MODEL.get(model);
}

/** The ordinal rank of a catalog GPU model (higher is more capable), or undefined when unknown. */
export function gpuClassRank(model: string): number | undefined {
  return BY_MODEL.get(model)?.rank;
}

// nvidia-smi names → catalog model. Order matters: A100 before A10, and 80 GB parts first.
const NAME_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/A100.*80\s*GB|A100-SXM4-80|A100 80GB/i, 'A100-80GB'],
  [/A100/i, 'A100'],
  [/A10G/i, 'A10G'],
  [/\bA10\b/i, 'A10'],
  [/H200/i, 'H200'],
  [/H100/i, 'H100'],
  [/B200/i, 'B200'],
  [/L40S/i, 'L40S'],
  [/\bL4\b/i, 'L4'],
  [/V100.*32\s*GB/i, 'V100-32GB'],
  [/V100/i, 'V100'],
  [/\bT4\b/i, 'T4'],
  [/P100/i, 'P100'],
  [/M60/i, 'M60'],
];

/**
 * Maps an nvidia-smi GPU name ("NVIDIA A100-SXM4-40GB", "Tesla T4") to the catalog's model name,
 * or null when it is not one the catalog sells. `memoryTotalMib`, when given, separates the
 * 40/80 GB A100 and 16/32 GB V100 parts whose names do not say.
 */
export function gpuModelFromName(name: string, memoryTotalMib?: number | null): string | null {
  const hit = NAME_PATTERNS.find(([re]) => re.test(name));
  if (!hit) return null;
  const model = hit[1];
  const mem = memoryTotalMib ?? 0;
  if (model === 'A100' && mem > 60_000) return 'A100-80GB';
  if (model === 'V100' && mem > 24_000) return 'V100-32GB';
  return model;
}
