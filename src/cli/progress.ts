/** Training progress: a live bar on a terminal, a log line per epoch (or every few) otherwise. */
import cliProgress from "cli-progress";

export interface EpochLine {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
}

export interface Progress {
  batch(epoch: number, batch: number, loss: number, accuracy: number): void;
  epochEnd(line: EpochLine): void;
  stop(): void;
}

const f4 = (value: number) => value.toFixed(4);

export function formatEpochLine(line: EpochLine, epochs: number): string {
  const parts = [`epoch ${String(line.epoch).padStart(String(epochs).length)}/${epochs}`, `loss ${f4(line.loss)}`, `acc ${f4(line.accuracy)}`];
  if (line.valLoss !== undefined) parts.push(`val_loss ${f4(line.valLoss)}`, `val_acc ${f4(line.valAccuracy ?? NaN)}`);
  return parts.join("  ");
}

const NUMBERS = "{percentage}% | batch {batch}/{batches} | loss {loss} | acc {acc} | ETA {eta_formatted}";
const MIN_BAR = 10;

/**
 * The bar's format for a terminal `columns` wide: the numbers always fit (a longer run shortens
 * the bar, a narrow terminal drops it, then the ETA); the bar takes what is left, up to 40.
 */
export function barLayout(columns: number, epochs: number, batches: number): { format: string; barsize: number } {
  // the widest each field gets: loss up to 9999.9999, ETA like "12h05m" (or "NaNhNaNm" before it knows)
  const widest = (format: string) =>
    format.replace("{epoch}/{epochs}", `${epochs}/${epochs}`).replace("{batch}/{batches}", `${batches}/${batches}`).replace("{percentage}", "100")
      .replace("{loss}", "9999.9999").replace("{acc}", "0.0000").replace("{eta_formatted}", "NaNhNaNm").length;
  const width = Math.max(20, columns) - 1; // a character spare: writing the last column wraps some terminals
  const withBar = `epoch {epoch}/{epochs} {bar} ${NUMBERS}`;
  const room = width - widest(withBar.replace("{bar}", ""));
  if (room >= MIN_BAR) return { format: withBar, barsize: Math.min(40, room) };
  const numbers = `epoch {epoch}/{epochs} ${NUMBERS}`;
  if (widest(numbers) <= width) return { format: numbers, barsize: 0 };
  const short = numbers.replace(" | ETA {eta_formatted}", "");
  if (widest(short) <= width) return { format: short, barsize: 0 };
  return { format: "epoch {epoch}/{epochs} {percentage}% | loss {loss}", barsize: 0 };
}

/** A progress bar over all batches of all epochs (ETA for the whole run), on stderr. */
function barProgress(epochs: number, batches: number): Progress {
  const { format, barsize } = barLayout(process.stderr.columns ?? 80, epochs, batches);
  const bar = new cliProgress.SingleBar(
    {
      format,
      barsize: Math.max(1, barsize),
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(epochs * batches, 0, { epoch: 1, epochs, batch: 0, batches, loss: "—", acc: "—" });
  return {
    batch: (epoch, batch, loss, accuracy) => bar.update((epoch - 1) * batches + batch, { epoch, batch, loss: f4(loss), acc: f4(accuracy) }),
    epochEnd: () => {},
    stop: () => bar.stop(),
  };
}

/** About 20 log lines whatever the number of epochs, always including the first and last. */
function lineProgress(epochs: number, write: (line: string) => void): Progress {
  const every = Math.max(1, Math.ceil(epochs / 20));
  const started = Date.now();
  return {
    batch: () => {},
    epochEnd: (line) => {
      if (line.epoch === 1 || line.epoch % every === 0 || line.epoch === epochs) write(`${formatEpochLine(line, epochs)}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    },
    stop: () => {},
  };
}

/** The right progress display for where the output goes; `quiet` shows nothing. */
export function createProgress(epochs: number, batches: number, options: { quiet: boolean }): Progress {
  if (options.quiet) return { batch: () => {}, epochEnd: () => {}, stop: () => {} };
  if (process.stderr.isTTY) return barProgress(epochs, batches);
  return lineProgress(epochs, (line) => process.stderr.write(line + "\n"));
}
