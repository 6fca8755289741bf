/** Axis arithmetic of the SVG charts: linear scales, round tick values and tick labels. */

/** Maps values of a domain linearly onto a pixel range. */
export type LinearScale = (value: number) => number;

/**
 * Returns the linear map that sends `domain[0]` to `range[0]` and `domain[1]` to `range[1]`.
 *
 * @throws RangeError when the domain has zero width.
 */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [domainStart, domainEnd] = domain;
  const [rangeStart, rangeEnd] = range;
  if (!(domainEnd !== domainStart)) {
    throw new RangeError(`A scale's domain must have two different ends, but it is [${domainStart}, ${domainEnd}].`);
  }

  const factor = (rangeEnd - rangeStart) / (domainEnd - domainStart);
  return (value) => rangeStart + (value - domainStart) * factor;
}

/** Ticks of an axis: round values at a constant step, ascending. */
export interface AxisTicks {
  /** Tick values, ascending. */
  values: number[];
  /** Distance between neighbouring ticks: 1, 2 or 5 times a power of ten. */
  step: number;
}

/**
 * Chooses ticks for the interval `[min, max]`: a step of 1, 2 or 5 times a power of ten that gives
 * at most `maxCount` intervals, and every multiple of the step inside the interval.
 *
 * An interval of zero width is widened by 1 on each side, or by a tenth of its value's magnitude
 * when that is not zero.
 *
 * @throws RangeError when `min` or `max` is not finite or `min > max`.
 */
export function chooseTicks(min: number, max: number, maxCount = 5): AxisTicks {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new RangeError(`Axis ticks need finite min <= max, but they are ${min} and ${max}.`);
  }
  if (min === max) {
    const margin = min === 0 ? 1 : Math.abs(min) / 10;
    return chooseTicks(min - margin, max + margin, maxCount);
  }

  // The smallest step from 1, 2, 5 times 10^k that splits the interval into at most maxCount parts.
  const rawStep = (max - min) / Math.max(1, maxCount);
  const power = 10 ** Math.floor(Math.log10(rawStep));
  const factor = [1, 2, 5, 10].find((candidate) => candidate * power >= rawStep) ?? 10;
  const step = factor * power;

  // Multiples of the step inside [min, max]. Rounding to 12 significant digits removes the
  // binary error of k * step, such as 0.30000000000000004 for 3 * 0.1.
  const values: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  for (let multiple = first; multiple <= last; multiple++) {
    values.push(Number((multiple * step).toPrecision(12)));
  }
  return { values, step };
}

/**
 * Returns `[min, max]` widened outwards to multiples of a round step, with the ticks of that
 * interval. A count axis gets `[0, max]` rounded up to its top tick this way.
 */
export function niceDomain(min: number, max: number, maxCount = 5): { domain: [number, number]; ticks: AxisTicks } {
  const { step } = chooseTicks(min, max, maxCount);
  const start = Number((Math.floor(min / step + 1e-9) * step).toPrecision(12));
  const end = Number((Math.ceil(max / step - 1e-9) * step).toPrecision(12));
  const domain: [number, number] = end > start ? [start, end] : [start, start + step];
  return { domain, ticks: chooseTicks(domain[0], domain[1], maxCount) };
}

/**
 * Formats a tick value so that neighbouring ticks `step` apart read differently: fixed decimals
 * down to steps of 0.0001, exponent notation (`2.5e-5`) below that or from 1e9 up, and thousands
 * separators (`12,000`) for whole numbers from 1,000.
 */
export function formatTick(value: number, step: number): string {
  if (value === 0) {
    return "0";
  }

  const magnitude = Math.abs(value);
  if (step < 1e-4 || magnitude >= 1e9) {
    const digits = Math.max(0, Math.floor(Math.log10(magnitude)) - Math.floor(Math.log10(step)));
    const [mantissa, exponent] = value.toExponential(Math.min(digits, 20)).split("e");
    const trimmed = mantissa!.includes(".") ? mantissa!.replace(/\.?0+$/, "") : mantissa!;
    return `${trimmed}e${exponent!.replace("+", "")}`;
  }

  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const fixed = value.toFixed(decimals);
  return decimals === 0 ? groupThousands(fixed) : fixed;
}

/** Inserts a comma every three digits of an integer written in decimal, such as `-12,000`. */
function groupThousands(integer: string): string {
  const sign = integer.startsWith("-") ? "-" : "";
  const digits = sign === "" ? integer : integer.slice(1);
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
