using Microsoft.Playwright;

namespace AuthClients.BrowserTests.Infrastructure;

/// <summary>
/// WCAG contrast of colours as the browser computed them, for what axe-core cannot judge: text drawn on
/// a canvas, focus indicators.
/// </summary>
public static class Contrast
{
    // ([foreground, background]) => ratio; both computed CSS colours (rgb or rgba), a translucent foreground laid over the background.
    private const string RatioScript = """
        ([fg, bg]) => {
          const parse = c => { const m = c.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
          const f = parse(fg), b = parse(bg);
          const mix = { r: f.r * f.a + b.r * (1 - f.a), g: f.g * f.a + b.g * (1 - f.a), b: f.b * f.a + b.b * (1 - f.a) };
          const lum = c => { const ch = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b); };
          const [l1, l2] = [lum(mix), lum(b)].sort((x, y) => y - x);
          return Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100;
        }
        """;

    public static Task<double> ContrastAsync(this IPage page, string foreground, string background) =>
        page.EvaluateAsync<double>(RatioScript, new[] { foreground, background });
}
