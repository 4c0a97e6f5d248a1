// A client's Activity tab: draws each daily table (table[data-chart]) as a stacked bar chart on the
// canvas it names, with Chart.js (wwwroot/lib/chart.js, loaded before this module as a classic
// script). The numbers come from the table itself (data-count), so the chart and what a screen
// reader reads are the same data. Nothing inline: the page works under the app's strict CSP.

const Chart = window.Chart;

// Chart.js draws its text on the canvas in its own grey (#666), which no CSS reaches: 2.7:1 on the
// dark background. The axes and legend take the page's text and border colours instead, read again
// whenever the colour mode changes (theme.js sets data-bs-theme on <html>).
const paint = (options) => {
    const body = getComputedStyle(document.body);
    const [text, line] = [body.color, body.getPropertyValue('--bs-border-color').trim()];
    for (const scale of Object.values(options.scales)) {
        scale.ticks.color = text;
        (scale.grid ??= {}).color = line;
        (scale.border ??= {}).color = line;
    }
    (options.plugins.legend.labels ??= {}).color = text;
    return options;
};

const charts = [];

for (const table of document.querySelectorAll('table[data-chart]')) {
    const canvas = document.getElementById(table.dataset.chart);
    if (!Chart || !canvas) continue;

    const labels = [...table.querySelectorAll('tbody th[scope="row"]')].map(th => th.textContent.trim());
    const series = [...table.querySelectorAll('thead th[data-series]')];
    const rows = [...table.querySelectorAll('tbody tr')];
    const datasets = series.map((th, column) => ({
        label: th.textContent.trim(),
        data: rows.map(row => Number(row.querySelectorAll('td[data-count]')[column]?.dataset.count ?? 0)),
    }));

    canvas.chart = new Chart(canvas, {
        type: 'bar',
        data: { labels, datasets },
        options: paint({
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            interaction: { mode: 'index', intersect: false },
            scales: {
                x: { stacked: true, ticks: { autoSkip: true, maxRotation: 0 } },
                y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
            },
            plugins: { legend: { position: 'bottom' } },
        }),
    });
    charts.push(canvas.chart);
}

new MutationObserver(() => {
    for (const chart of charts) {
        paint(chart.options);
        chart.update();
    }
}).observe(document.documentElement, { attributes: true, attributeFilter: ['data-bs-theme'] });
