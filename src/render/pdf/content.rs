//! A page's content stream, written operator by operator. Numbers are printed
//! with at most three decimals (a thousandth of a point is far below what any
//! printer resolves), so the same layout always gives the same bytes.

/// The operators of one content stream, in PDF syntax.
#[derive(Default)]
pub struct Content {
    text: String,
}

impl Content {
    pub fn new() -> Content {
        // A full page of text takes some 20 KB: start near it rather than grow to it.
        Content {
            text: String::with_capacity(16 * 1024),
        }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.text.into_bytes()
    }

    /// Writes `operands operator` on a line of its own.
    fn op(&mut self, operands: &[f32], operator: &str) {
        for &n in operands {
            push_number(&mut self.text, n);
            self.text.push(' ');
        }
        self.text.push_str(operator);
        self.text.push('\n');
    }

    pub fn save(&mut self) {
        self.op(&[], "q");
    }

    pub fn restore(&mut self) {
        self.op(&[], "Q");
    }

    /// Non-stroking (fill) colour, RGB in 0..=1.
    pub fn fill_rgb(&mut self, [r, g, b]: [f32; 3]) {
        self.op(&[r, g, b], "rg");
    }

    /// Stroking colour, RGB in 0..=1.
    pub fn stroke_rgb(&mut self, [r, g, b]: [f32; 3]) {
        self.op(&[r, g, b], "RG");
    }

    pub fn stroke_grey(&mut self, grey: f32) {
        self.op(&[grey], "G");
    }

    pub fn line_width(&mut self, width: f32) {
        self.op(&[width], "w");
    }

    pub fn rect(&mut self, x: f32, y: f32, width: f32, height: f32) {
        self.op(&[x, y, width, height], "re");
    }

    pub fn move_to(&mut self, x: f32, y: f32) {
        self.op(&[x, y], "m");
    }

    pub fn line_to(&mut self, x: f32, y: f32) {
        self.op(&[x, y], "l");
    }

    pub fn close_path(&mut self) {
        self.op(&[], "h");
    }

    pub fn fill(&mut self) {
        self.op(&[], "f");
    }

    pub fn fill_and_stroke(&mut self) {
        self.op(&[], "B");
    }

    pub fn stroke(&mut self) {
        self.op(&[], "S");
    }

    pub fn begin_text(&mut self) {
        self.op(&[], "BT");
    }

    pub fn end_text(&mut self) {
        self.op(&[], "ET");
    }

    /// Selects the font resource `/name` at `size` points.
    pub fn font(&mut self, name: &str, size: f32) {
        self.text.push('/');
        self.text.push_str(name);
        self.text.push(' ');
        self.op(&[size], "Tf");
    }

    /// Puts the text origin at (`x`, `y`).
    pub fn text_origin(&mut self, x: f32, y: f32) {
        self.op(&[1.0, 0.0, 0.0, 1.0, x, y], "Tm");
    }

    /// Shows two-byte glyph codes, each followed by its adjustment in thousandths
    /// of the font size (positive moves the next glyph left, as `TJ` has it).
    /// Adjustments that round to zero are left out.
    pub fn show_glyphs(&mut self, glyphs: impl IntoIterator<Item = (u16, f32)>) {
        self.text.push('[');
        let mut open = false;
        for (code, adjust) in glyphs {
            if !open {
                self.text.push('<');
                open = true;
            }
            push_hex(&mut self.text, code);
            if adjust.abs() >= 0.0005 {
                self.text.push('>');
                open = false;
                push_number(&mut self.text, adjust);
            }
        }
        if open {
            self.text.push('>');
        }
        self.text.push_str("] TJ\n");
    }
}

/// `n` with at most three decimals and no trailing zeros; `-0` is written `0`.
/// (Hand-written: pages hold tens of thousands of numbers, and `format!` would
/// allocate for each.)
fn push_number(out: &mut String, n: f32) {
    let thousandths = (f64::from(n) * 1000.0).round() as i64;
    if thousandths < 0 {
        out.push('-');
    }
    let abs = thousandths.unsigned_abs();
    push_digits(out, abs / 1000, 1);
    let mut frac = abs % 1000;
    if frac != 0 {
        let mut width = 3;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        out.push('.');
        push_digits(out, frac, width);
    }
}

/// The decimal digits of `n`, zero-padded to at least `width`.
fn push_digits(out: &mut String, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut i = digits.len();
    while n > 0 || digits.len() - i < width {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

/// `code` as four upper-case hex digits.
fn push_hex(out: &mut String, code: u16) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for shift in [12, 8, 4, 0] {
        out.push(char::from(HEX[usize::from(code >> shift & 0xF)]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        let mut c = Content::new();
        c.rect(1.0, -2.5, 0.0004, 12.3456);
        c.line_width(-0.0001);
        c.move_to(1234567.05, 0.1);
        c.line_to(-0.001, 10.0);
        assert_eq!(
            String::from_utf8(c.into_bytes()).unwrap(),
            "1 -2.5 0 12.346 re\n0 w\n1234567 0.1 m\n-0.001 10 l\n"
        );
    }

    #[test]
    fn glyph_runs_close_their_hex_strings_around_adjustments() {
        let mut c = Content::new();
        c.show_glyphs([(1, 0.0001), (0x2a, -120.5), (3, 0.0)]);
        assert_eq!(
            String::from_utf8(c.into_bytes()).unwrap(),
            "[<0001002A>-120.5<0003>] TJ\n"
        );
    }
}
