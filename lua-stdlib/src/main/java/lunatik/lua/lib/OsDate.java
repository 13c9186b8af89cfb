package lunatik.lua.lib;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;

/**
 * The calendar of the os library: C's {@code gmtime}, {@code localtime}, {@code mktime} and
 * {@code strftime} in the "C" locale, on 64-bit times.
 *
 * <p>Why our own calendar arithmetic rather than {@code java.time} throughout: C's broken-down
 * time has an {@code int} year counted from 1900, so years up to about ±2.1 billion are valid
 * in Lua, far beyond {@link LocalDateTime}. The proleptic Gregorian calendar is computed here
 * on longs; {@code java.time} only supplies the time zone rules (clamped to its range).
 */
final class OsDate {
    private OsDate() {
    }

    /** A broken-down time (C's struct tm, with the year and month as Lua shows them). */
    record Tm(long year, int month, int day, int hour, int min, int sec,
              int yday, int wday, boolean isdst, int offset, String zone) {
    }

    private static final long MIN_SECOND = LocalDateTime.MIN.toEpochSecond(ZoneOffset.UTC);
    private static final long MAX_SECOND = LocalDateTime.MAX.toEpochSecond(ZoneOffset.UTC);

    private static final String[] DAYS = {
        "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
    };
    private static final String[] MONTHS = {
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December",
    };

    /** The conversions strftime accepts after '%' (C99), and the two-byte E and O forms. */
    private static final String SINGLE = "aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%";
    private static final String[] DOUBLE = {
        "Ec", "EC", "Ex", "EX", "Ey", "EY",
        "Od", "Oe", "OH", "OI", "Om", "OM", "OS", "Ou", "OU", "OV", "Ow", "OW", "Oy",
    };

    // ---------------------------------------------------------------- calendar

    /** Days from 1970-01-01 to the given date of the proleptic Gregorian calendar. */
    static long daysFromCivil(long y, int m, int d) {
        // count years from March so that the leap day is the last day of the year
        long yy = m <= 2 ? y - 1 : y;
        long era = Math.floorDiv(yy, 400);
        long yearOfEra = yy - era * 400;
        int monthFromMarch = (m + 9) % 12;
        long dayOfYear = (153L * monthFromMarch + 2) / 5 + d - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146097 + dayOfEra - 719468;
    }

    private static boolean isLeap(long y) {
        return Math.floorMod(y, 4) == 0 && (Math.floorMod(y, 100) != 0 || Math.floorMod(y, 400) == 0);
    }

    private static int daysInYear(long y) {
        return isLeap(y) ? 366 : 365;
    }

    /**
     * The broken-down time of {@code local} seconds (a time already shifted to local time), or
     * null when its year does not fit C's {@code int tm_year}.
     */
    private static Tm breakDown(long local, boolean isdst, int offset, String zone) {
        long days = Math.floorDiv(local, 86400);
        int secs = Math.floorMod(local, 86400);
        // the inverse of daysFromCivil
        long z = days + 719468;
        long era = Math.floorDiv(z, 146097);
        long dayOfEra = z - era * 146097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int monthFromMarch = (int) ((5 * dayOfYear + 2) / 153);
        int day = (int) (dayOfYear - (153L * monthFromMarch + 2) / 5 + 1);
        int month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year - 1900 > Integer.MAX_VALUE || year - 1900 < Integer.MIN_VALUE) {
            return null;
        }
        int yday = (int) (days - daysFromCivil(year, 1, 1));
        int wday = Math.floorMod(days + 4, 7); // 1970-01-01 was a Thursday
        return new Tm(year, month, day, secs / 3600, secs / 60 % 60, secs % 60, yday, wday,
            isdst, offset, zone);
    }

    /** gmtime; null when the year is out of C's range. */
    static Tm utc(long t) {
        return breakDown(t, false, 0, "GMT");
    }

    private static Instant instant(long t) {
        return Instant.ofEpochSecond(Math.clamp(t, MIN_SECOND, MAX_SECOND));
    }

    /** localtime in {@code zone}; null when the year is out of C's range. */
    static Tm local(long t, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        Instant at = instant(t);
        int offset = rules.getOffset(at).getTotalSeconds();
        boolean dst = rules.isDaylightSavings(at);
        long shifted;
        try {
            shifted = Math.addExact(t, offset);
        } catch (ArithmeticException e) {
            return null; // far beyond any year C can represent anyway
        }
        String name = TimeZone.getTimeZone(zone).getDisplayName(dst, TimeZone.SHORT, Locale.US);
        return breakDown(shifted, dst, offset, name);
    }

    /**
     * mktime: the time of the local date (already normalized to seconds from 1970 as if it
     * were UTC) in {@code zone}. {@code isdst} is C's tm_isdst: negative to let the zone
     * decide, 0 for standard time, positive for daylight saving time.
     */
    static long toTime(long local, int isdst, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        if (isdst >= 0) {
            ZoneOffset std = rules.getStandardOffset(instant(local));
            int saving = 0;
            if (isdst > 0) {
                long d = rules.getDaylightSavings(instant(local - std.getTotalSeconds())).getSeconds();
                // glibc assumes one hour where the zone has no daylight saving time
                saving = d != 0 ? (int) d : 3600;
            }
            return local - std.getTotalSeconds() - saving;
        }
        LocalDateTime ldt = LocalDateTime.ofEpochSecond(Math.clamp(local, MIN_SECOND, MAX_SECOND), 0,
            ZoneOffset.UTC);
        List<ZoneOffset> valid = rules.getValidOffsets(ldt);
        ZoneOffset offset;
        if (valid.size() == 1) {
            offset = valid.get(0);
        } else {
            // as glibc: a time in a gap counts with the offset before it, one in an overlap with the one after
            ZoneOffsetTransition tr = rules.getTransition(ldt);
            offset = valid.isEmpty() ? tr.getOffsetBefore() : tr.getOffsetAfter();
        }
        return local - offset.getTotalSeconds();
    }

    // ---------------------------------------------------------------- strftime

    /** The conversion starting at {@code fmt[i]} (just after '%'): its length, or 0 when invalid. */
    static int conversionLength(byte[] fmt, int i, int end) {
        if (i < end && SINGLE.indexOf(fmt[i]) >= 0 && fmt[i] != 0) {
            return 1;
        }
        if (i + 1 < end) {
            for (String d : DOUBLE) {
                if (fmt[i] == d.charAt(0) && fmt[i + 1] == d.charAt(1)) {
                    return 2;
                }
            }
        }
        return 0;
    }

    /** Appends conversion {@code c} (the last byte of a valid conversion) of {@code tm}. */
    static void convert(ByteArrayOutputStream out, char c, Tm tm) {
        String s = switch (c) {
            case 'a' -> DAYS[tm.wday].substring(0, 3);
            case 'A' -> DAYS[tm.wday];
            case 'b', 'h' -> MONTHS[tm.month - 1].substring(0, 3);
            case 'B' -> MONTHS[tm.month - 1];
            case 'c' -> expand("%a %b %e %H:%M:%S %Y", tm);
            case 'C' -> Long.toString(Math.floorDiv(tm.year, 100));
            case 'd' -> two(tm.day);
            case 'D', 'x' -> expand("%m/%d/%y", tm);
            case 'e' -> tm.day < 10 ? " " + tm.day : Integer.toString(tm.day);
            case 'F' -> expand("%Y-%m-%d", tm);
            case 'g' -> two(Math.floorMod(isoYear(tm), 100));
            case 'G' -> Long.toString(isoYear(tm));
            case 'H' -> two(tm.hour);
            case 'I' -> two(tm.hour % 12 == 0 ? 12 : tm.hour % 12);
            case 'j' -> String.format("%03d", tm.yday + 1);
            case 'm' -> two(tm.month);
            case 'M' -> two(tm.min);
            case 'n' -> "\n";
            case 'p' -> tm.hour < 12 ? "AM" : "PM";
            case 'r' -> expand("%I:%M:%S %p", tm);
            case 'R' -> expand("%H:%M", tm);
            case 'S' -> two(tm.sec);
            case 't' -> "\t";
            case 'T', 'X' -> expand("%H:%M:%S", tm);
            case 'u' -> Integer.toString(tm.wday == 0 ? 7 : tm.wday);
            case 'U' -> two((tm.yday + 7 - tm.wday) / 7);
            case 'V' -> two(isoWeek(tm));
            case 'w' -> Integer.toString(tm.wday);
            case 'W' -> two((tm.yday + 7 - (tm.wday + 6) % 7) / 7);
            case 'y' -> two(Math.floorMod(tm.year, 100));
            case 'Y' -> Long.toString(tm.year);
            case 'z' -> zone(tm.offset);
            case 'Z' -> tm.zone;
            default -> "%";
        };
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    private static String zone(int offset) {
        int a = Math.abs(offset) / 60;
        return (offset < 0 ? "-" : "+") + two(a / 60) + two(a % 60);
    }

    /** A fixed format of single-letter conversions. */
    private static String expand(String fmt, Tm tm) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c == '%') {
                convert(out, fmt.charAt(++i), tm);
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    /**
     * The day of the year (0-based, may be negative or past the year's end) of the Thursday of
     * the ISO week of {@code tm}: that Thursday's year is the ISO year.
     */
    private static int isoThursday(Tm tm) {
        int fromMonday = (tm.wday + 6) % 7;
        return tm.yday - fromMonday + 3;
    }

    private static long isoYear(Tm tm) {
        int th = isoThursday(tm);
        if (th < 0) {
            return tm.year - 1;
        }
        return th >= daysInYear(tm.year) ? tm.year + 1 : tm.year;
    }

    private static int isoWeek(Tm tm) {
        int th = isoThursday(tm);
        if (th < 0) {
            th += daysInYear(tm.year - 1);
        } else if (th >= daysInYear(tm.year)) {
            th -= daysInYear(tm.year);
        }
        return th / 7 + 1;
    }
}
