/**
 * `instance_type`: the cheapest catalog type in the same provider and region that still fits the
 * observed demand — as many GPUs as were busy (at once, or each for more than 5 % of hours), the
 * peak memory per GPU plus headroom, a compute capability no lower than today's (the job's
 * kernels and data types must still run) and enough throughput for the observed peak.
 */
import { gpuClass, type CatalogRow, type GpuClass } from '@gpuoptimizer/shared';
import { maxRisk, type RuleContext } from './context.js';
import { priceOf } from './pricing.js';
import { clamp01, confidenceOf, gib, round1, round2, usdPerHour } from './stats.js';
import type { Recommendation, Risk, RiskLevel } from './types.js';

/** What the work needs, per the observation. */
interface Needs {
  gpus: number;
  memRequiredMib: number;
  currentUsableMib: number;
  demandPct: number | null;
  cls: GpuClass;
}

/** A candidate that fits. */
interface Fit {
  row: CatalogRow;
  price: number;
  usableMib: number;
  slower: boolean;
  projectedPct: number | null;
}

function needsOf(ctx: RuleContext, cls: GpuClass): Needs {
  const { profile, priced, t } = ctx;
  const currentUsableMib = profile.memTotalMib ?? priced.row.gpu_memory_gib_per_gpu * 1024 * t.usableMemoryShare;
  // Never ask for more than the GPU has today (the work runs there); unknown peaks keep today's size.
  const peak = profile.memPeakMib;
  const memRequiredMib = peak === null ? currentUsableMib : Math.min(peak * (1 + t.memoryHeadroomPct / 100), currentUsableMib);
  const gpus = Math.max(1, profile.busyGpus, profile.peakConcurrent);
  return { gpus, memRequiredMib, currentUsableMib, demandPct: profile.demandUtilPct, cls };
}

/** Whether the candidate keeps enough host vCPUs and RAM for the GPUs kept (no host evidence to shrink on). */
function keepsHost(row: CatalogRow, ctx: RuleContext, gpus: number): boolean {
  const current = ctx.priced.row;
  const share = (gpus / current.gpu_count) * ctx.t.hostShareMin;
  return row.vcpus >= current.vcpus * share && row.memory_gib >= current.memory_gib * share;
}

function fitOf(row: CatalogRow, ctx: RuleContext, needs: Needs): Fit | null {
  const price = priceOf(row, ctx.priced.lifecycle);
  const cls = gpuClass(row.gpu_model);
  if (price === null || !cls || price >= ctx.priced.usdPerHour || row.instance_type === ctx.priced.row.instance_type) return null;
  if (row.gpu_count < needs.gpus || cls.computeCapability < needs.cls.computeCapability) return null;
  if (!keepsHost(row, ctx, needs.gpus)) return null;
  const sameModel = row.gpu_model === ctx.priced.row.gpu_model;
  const usableMib = sameModel ? needs.currentUsableMib : row.gpu_memory_gib_per_gpu * 1024 * ctx.t.usableMemoryShare;
  if (usableMib < needs.memRequiredMib) return null;
  const slower = cls.fp16Tflops < needs.cls.fp16Tflops;
  if (!slower) return { row, price, usableMib, slower, projectedPct: needs.demandPct };
  if (needs.demandPct === null) return null;
  const projectedPct = (needs.demandPct * needs.cls.fp16Tflops) / cls.fp16Tflops;
  return projectedPct <= ctx.t.maxProjectedUtilizationPct ? { row, price, usableMib, slower, projectedPct } : null;
}

const family = (type: string): string => type.split(/[.-]/)[0] ?? type;

/** Cheapest first; on a tie the same GPU model, then the same family. */
function better(a: Fit, b: Fit, current: CatalogRow): number {
  if (a.price !== b.price) return a.price - b.price;
  const score = (f: Fit) => (f.row.gpu_model === current.gpu_model ? 0 : 2) + (family(f.row.instance_type) === family(current.instance_type) ? 0 : 1);
  return score(a) - score(b);
}

function riskOf(fit: Fit, ctx: RuleContext, needs: Needs): Risk {
  const current = ctx.priced.row;
  const notes: string[] = [];
  let level: RiskLevel = 'low';
  if (fit.slower && fit.projectedPct !== null) {
    level = fit.projectedPct > 60 ? 'high' : 'medium';
    notes.push(`${fit.row.gpu_model} is slower than ${current.gpu_model}: the observed peak of ${round1(needs.demandPct)} % would be about ${round1(fit.projectedPct)} %.`);
  }
  if (fit.row.gpu_model !== current.gpu_model && needs.gpus > 1) {
    level = maxRisk(level, 'medium');
    notes.push('Multi-GPU work moves to a different GPU model: check the interconnect (NVLink or PCIe) it relies on.');
  }
  const cpuPerGpu = (r: CatalogRow) => r.vcpus / r.gpu_count;
  const ramPerGpu = (r: CatalogRow) => r.memory_gib / r.gpu_count;
  if (cpuPerGpu(fit.row) < cpuPerGpu(current) || ramPerGpu(fit.row) < ramPerGpu(current)) {
    notes.push(`Host per GPU shrinks from ${cpuPerGpu(current)} vCPUs / ${ramPerGpu(current)} GiB to ${cpuPerGpu(fit.row)} vCPUs / ${ramPerGpu(fit.row)} GiB: check CPU-side data loading.`);
    if (cpuPerGpu(fit.row) < cpuPerGpu(current) / 2 || ramPerGpu(fit.row) < ramPerGpu(current) / 2) level = maxRisk(level, 'medium');
  }
  if (notes.length === 0) notes.push('Same or stronger GPUs with the memory headroom kept: low risk of slower work.');
  return { level, kind: 'performance', notes };
}

function reasonOf(fit: Fit, ctx: RuleContext, needs: Needs): string {
  const { profile, priced } = ctx;
  const r = fit.row;
  const busy = `${profile.busyGpus} of ${ctx.instance.gpus.length || priced.row.gpu_count} GPUs were busy (at most ${profile.peakConcurrent} at once)`;
  const mem = profile.memPeakMib === null ? 'memory use is unknown, so today\u2019s GPU memory is kept' : `peak memory was ${gib(profile.memPeakMib)} per GPU`;
  const what = `${r.instance_type} (${r.gpu_count} \u00d7 ${r.gpu_model}, ${r.gpu_memory_gib_per_gpu} GiB each)`;
  return `${busy} and ${mem}, so ${what} fits with ${ctx.t.memoryHeadroomPct} % memory headroom at ${usdPerHour(fit.price)} instead of ${usdPerHour(priced.usdPerHour)}; ${needs.gpus} GPU(s) needed.`;
}

/** The right-sizing recommendation, or null when nothing cheaper fits. */
export function instanceTypeRule(ctx: RuleContext): Recommendation | null {
  const current = ctx.priced.row;
  const cls = gpuClass(current.gpu_model);
  if (!cls || ctx.profile.busyGpus + ctx.profile.peakConcurrent === 0) return null;
  const needs = needsOf(ctx, cls);
  const candidates = ctx.catalog.candidates(current.provider, current.region);
  const fits = candidates.flatMap((row) => fitOf(row, ctx, needs) ?? []).sort((a, b) => better(a, b, current));
  const best = fits[0];
  if (!best) return null;
  const savings = round2((ctx.priced.usdPerHour - best.price) * ctx.monthlyRunningHours);
  if (savings < ctx.t.minMonthlySavingsUsd) return null;
  const peak = ctx.profile.memPeakMib;
  const memMargin = peak === null ? 0.5 : clamp01((1 - peak / best.usableMib) / ((2 * ctx.t.memoryHeadroomPct) / 100 || 1));
  const utilMargin = best.slower && best.projectedPct !== null ? 1 - best.projectedPct / ctx.t.maxProjectedUtilizationPct : 1;
  return {
    type: 'instance_type',
    current: current.instance_type,
    recommended: best.row.instance_type,
    recommendation: `Move to ${best.row.instance_type}`,
    potential_savings: savings,
    confidence: confidenceOf(0.9, ctx.coverage, Math.min(memMargin, utilMargin)),
    reason: reasonOf(best, ctx, needs),
    risk: riskOf(best, ctx, needs),
    evidence: {
      ...ctx.evidence,
      gpus_needed: needs.gpus,
      memory_required_mib: Math.round(needs.memRequiredMib),
      demand_utilization_pct: round1(needs.demandPct),
      projected_utilization_pct: round1(best.projectedPct),
      candidate: { instance_type: best.row.instance_type, gpu_model: best.row.gpu_model, gpu_count: best.row.gpu_count, gpu_memory_gib_per_gpu: best.row.gpu_memory_gib_per_gpu, vcpus: best.row.vcpus, memory_gib: best.row.memory_gib, usd_per_hour: best.price },
    },
  };
}
