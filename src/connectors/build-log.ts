/**
 * The readable log of one application import build. Rejected rows are listed up to a cap, then
 * counted, so a file with a million bad rows gives a log of bounded size.
 */
export const MAX_LISTED_REJECTIONS = 100;

export class BuildLog {
  private readonly lines: string[] = [];
  private listed = 0;
  private unlisted = 0;

  line(text: string): void {
    this.lines.push(text);
  }

  rejected(file: string, line: number, reason: string): void {
    if (this.listed < MAX_LISTED_REJECTIONS) {
      this.listed++;
      this.lines.push(`  rejected ${file} line ${line}: ${reason}`);
    } else {
      this.unlisted++;
    }
  }

  text(): string {
    const tail = this.unlisted > 0 ? [`  … and ${this.unlisted} more rejected rows not listed`] : [];
    return [...this.lines, ...tail].join('\n');
  }
}
