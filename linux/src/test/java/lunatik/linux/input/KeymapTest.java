package lunatik.linux.input;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeymapTest {
    @Test
    void keysymsAsTheConsoleReportsThem() {
        assertThat(Keymap.keysym(30, false)).isEqualTo(0xfb61); // a
        assertThat(Keymap.keysym(30, true)).isEqualTo(0xfb41);  // A
        assertThat(Keymap.keysym(2, false)).isEqualTo(0xf031);  // 1
        assertThat(Keymap.keysym(2, true)).isEqualTo(0xf021);   // !
        assertThat(Keymap.keysym(28, false)).isEqualTo(0xf201); // Enter
        assertThat(Keymap.keysym(1, false)).isEqualTo(0xf01b);  // Escape
        assertThat(Keymap.keysym(103, false)).isEqualTo(0xf603); // Up
        assertThat(Keymap.keysym(240, false)).isZero();          // not in the map
        assertThat(Keymap.isShift(42)).isTrue();
        assertThat(Keymap.isShift(30)).isFalse();
    }

    @Test
    void capabilityBitmapsAreReadMostSignificantWordFirst() {
        // a keyboard's "key" capabilities: KEY_A (30) set in the last (lowest) word
        assertThat(Keyboard.hasKey("1 0 0 0 fffffffffffffffe", 30)).isTrue();
        assertThat(Keyboard.hasKey("1 0 0 0 0", 30)).isFalse();
        assertThat(Keyboard.hasKey("40000000", 30)).isTrue();
        assertThat(Keyboard.hasKey("4000000000000000 0", 126)).isTrue();
    }
}
