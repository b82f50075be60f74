/**
 * The weekly maintenance window and the daily backup window of an RDS DB instance or Aurora DB cluster: their format,
 * their shortest length and the rule that they must not overlap. Pure functions over the strings RDS accepts; the
 * props that carry them are checked in `encrypted-resource/rds-validation.ts`.
 *
 * - `PreferredMaintenanceWindow` (DB instance and DB cluster): `ddd:hh24:mi-ddd:hh24:mi`, in UTC, days `mon | tue |
 *   wed | thu | fri | sat | sun` (CreateDBInstance) or `Mon | Tue | Wed | Thu | Fri | Sat | Sun` (CreateDBCluster), at
 *   least 30 minutes, not conflicting with the backup window.
 * - `PreferredBackupWindow` (DB instance and DB cluster; it does not apply to an Aurora DB instance, whose cluster
 *   holds it): `hh24:mi-hh24:mi`, in UTC, at least 30 minutes, not conflicting with the maintenance window.
 * - The backup window "can't overlap with the weekly maintenance window" of the DB instance (RDS User Guide) or of the
 *   DB cluster (Aurora User Guide). The maintenance window of each instance of an Aurora cluster is set independently
 *   of the cluster's; the docs name no rule between it and the cluster's backup window, so none is checked.
 *
 * The docs spell the days in lower case and capitalized (and the User Guide's own example is `Tue:04:00-Tue:04:30`):
 * those two spellings are accepted, no other. `hh24` is `00` to `23` (so `24:00` is not a time) and `mi` `00` to `59`,
 * two digits each. A window whose end comes before its start (on the clock, or in the week) runs past midnight, or
 * from Sunday into Monday: `23:45-00:15` is 30 minutes. The docs give no longest window.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html#API_CreateDBInstance_RequestParameters
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBCluster.html#API_CreateDBCluster_RequestParameters
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Maintenance.html#AdjustingTheMaintenanceWindow
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html#USER_WorkingWithAutomatedBackups.BackupWindow
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Managing.Backups.html#Aurora.Managing.Backups.BackupWindow
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.Modifying.html
 */

/** The day names, Monday first (the order only fixes where the week is cut; the arithmetic wraps around it). */
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY = `(${DAYS.join('|')}|${DAYS.map(d => d[0].toUpperCase() + d.slice(1)).join('|')})`;
const TIME = '([01][0-9]|2[0-3]):([0-5][0-9])';

const MINUTES_PER_DAY = 24 * 60;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** What the docs ask of both windows, in words for error messages, and the shortest length. */
export const RDS_WINDOWS = {
  minMinutes: 30,
  maintenanceFormat: 'ddd:hh24:mi-ddd:hh24:mi in UTC (days mon to sun or Mon to Sun, hours 00 to 23), e.g. "sun:23:45-mon:00:15"',
  backupFormat: 'hh24:mi-hh24:mi in UTC (hours 00 to 23), e.g. "23:45-00:15"',
};

/** A window as minutes: where it starts (from Monday 00:00 or from midnight) and how long it lasts. */
export interface RdsWindow {
  readonly start: number;
  readonly minutes: number;
}

const MAINTENANCE = new RegExp(`^${DAY}:${TIME}-${DAY}:${TIME}$`);
const BACKUP = new RegExp(`^${TIME}-${TIME}$`);

/** A weekly maintenance window `ddd:hh24:mi-ddd:hh24:mi`, or undefined when it is not in that format. */
export function parseMaintenanceWindow(text: string): RdsWindow | undefined {
  const m = MAINTENANCE.exec(text);
  if (!m) return undefined;
  const at = (day: string, h: string, mi: string) => DAYS.indexOf(day.toLowerCase()) * MINUTES_PER_DAY + Number(h) * 60 + Number(mi);
  const start = at(m[1], m[2], m[3]);
  return { start, minutes: modulo(at(m[4], m[5], m[6]) - start, MINUTES_PER_WEEK) };
}

/** A daily backup window `hh24:mi-hh24:mi`, or undefined when it is not in that format. */
export function parseBackupWindow(text: string): RdsWindow | undefined {
  const m = BACKUP.exec(text);
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  return { start, minutes: modulo(Number(m[3]) * 60 + Number(m[4]) - start, MINUTES_PER_DAY) };
}

/**
 * Whether a daily backup window shares a minute with a weekly maintenance window, on any day. Windows are half-open:
 * one that ends at 03:30 and one that starts at 03:30 do not overlap.
 */
export function windowsOverlap(maintenance: RdsWindow, backup: RdsWindow): boolean {
  for (let day = 0; day < 7; day++) {
    if (arcsOverlap(maintenance, { start: day * MINUTES_PER_DAY + backup.start, minutes: backup.minutes }, MINUTES_PER_WEEK)) return true;
  }
  return false;
}

/** Two stretches of a circle of `length` minutes share a minute when either starts inside the other. */
function arcsOverlap(a: RdsWindow, b: RdsWindow, length: number): boolean {
  return (a.minutes > 0 && b.minutes > 0) && (modulo(b.start - a.start, length) < a.minutes || modulo(a.start - b.start, length) < b.minutes);
}

function modulo(n: number, m: number): number {
  return ((n % m) + m) % m;
}
