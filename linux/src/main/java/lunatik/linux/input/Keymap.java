package lunatik.linux.input;

/**
 * The kernel's default (US) keymap for the keys a console keyboard has: a key code and the shift
 * state give the keysym the console's keyboard notifier reports, {@code K(type, value)} with
 * 0xf0 added to the type as in the kernel's key maps (letters 0xfb, Latin 0xf0, special keys
 * 0xf2, cursor keys 0xf6, modifiers 0xf7).
 */
public final class Keymap {
    private Keymap() {
    }

    private static final int LATIN = 0xf000;
    private static final int LETTER = 0xfb00;

    private static final String PLAIN = "\0\0" + "1234567890-=" + "\0\0" + "qwertyuiop[]" + "\0\0" + "asdfghjkl;'`"
        + "\0" + "\\zxcvbnm,./";
    private static final String SHIFTED = "\0\0" + "!@#$%^&*()_+" + "\0\0" + "QWERTYUIOP{}" + "\0\0" + "ASDFGHJKL:\"~"
        + "\0" + "|ZXCVBNM<>?";

    /** Left and right shift. */
    public static boolean isShift(int code) {
        return code == 42 || code == 54;
    }

    /** The keysym of {@code code} with or without shift, or 0 for a key this map does not have. */
    public static int keysym(int code, boolean shift) {
        if (code < PLAIN.length()) {
            char c = (shift ? SHIFTED : PLAIN).charAt(code);
            if (c != 0) {
                return (Character.isLetter(c) ? LETTER : LATIN) | c;
            }
        }
        return switch (code) {
            case 1 -> LATIN | 0x1b;    // Escape
            case 14 -> LATIN | 0x7f;   // Backspace (Delete)
            case 15 -> LATIN | 0x09;   // Tab
            case 28, 96 -> 0xf201;     // Enter, KP Enter
            case 29, 97 -> 0xf702;     // Control
            case 42, 54 -> 0xf700;     // Shift
            case 56 -> 0xf703;         // Alt
            case 100 -> 0xf701;        // AltGr
            case 57 -> LATIN | 0x20;   // Space
            case 103 -> 0xf603;        // Up
            case 108 -> 0xf600;        // Down
            case 105 -> 0xf601;        // Left
            case 106 -> 0xf602;        // Right
            case 111 -> 0xf116;        // Delete (Remove)
            default -> 0;
        };
    }
}
