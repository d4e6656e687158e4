// Apache ECharts, tree-shaken: only the bar and line charts, the grid,
// tooltip and legend components and the canvas renderer are bundled.
// Each chart is an image with a label for assistive technology; the figures
// themselves are in the table the page puts beside it.
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use, type EChartsCoreOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

/** Colours with at least 4.5:1 contrast on white. */
export const PALETTE = ['#1d4ed8', '#b45309', '#047857', '#7e22ce'];

export function Chart({ option, label, height = 280, testId }: { option: EChartsCoreOption; label: string; height?: number; testId?: string }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof init> | null>(null);
  useEffect(() => {
    if (!element.current) return;
    const instance = init(element.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ color: PALETTE, animation: false, ...option }, { notMerge: true });
  }, [option]);
  return <div className="db-chart" ref={element} role="img" aria-label={label} style={{ height }} data-testid={testId} />;
}
