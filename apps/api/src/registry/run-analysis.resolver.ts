// GraphQL edge of compareRuns, gridAnalysis and promotionReport (thin: one service call each).
import { Injectable } from '@nestjs/common';
import { Args, Authorized, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/roles';
import { CompareRunsArgs, GridAnalysisArgs, PromotionReportArgs } from './dto/run-analysis.args';
import { GridAnalysisType, PromotionReportType, RunComparisonType } from './dto/run-analysis.type';
import { PromotionReportService } from './promotion-report.service';
import { RunAnalysisService } from './run-analysis.service';
import { toGridAnalysisType, toPromotionReportType, toRunComparisonType } from './run-analysis.mapper';

@Injectable()
@Resolver()
export class RunAnalysisResolver {
  constructor(
    private readonly analysis: RunAnalysisService,
    private readonly reports: PromotionReportService,
  ) {}

  @Authorized(Role.VIEWER)
  @Query(() => RunComparisonType, { description: 'Params side by side (differences marked) and metric summaries (last/max/min with steps).' })
  async compareRuns(@Args() { runIds, metrics }: CompareRunsArgs): Promise<RunComparisonType> {
    return toRunComparisonType(await this.analysis.compareRuns(runIds, metrics));
  }

  @Authorized(Role.VIEWER)
  @Query(() => GridAnalysisType, {
    description: 'Per varying param: values with mean, sample std and n, relative changes, best value; seed spread as the noise floor; holes and runs outside the grid.',
  })
  async gridAnalysis(@Args() a: GridAnalysisArgs): Promise<GridAnalysisType> {
    const result = await this.analysis.gridAnalysis({ runIds: a.runIds, experimentId: a.experimentId }, a.metric, a.aggregation, {
      goal: a.goal,
      repeatParams: a.repeatParams,
      ignoreParams: a.ignoreParams,
    });
    return toGridAnalysisType(result);
  }

  @Authorized(Role.VIEWER)
  @Query(() => PromotionReportType, { description: 'The promotion decision report of a version, in Markdown and as structured sections (en or fr).' })
  async promotionReport(@Args() a: PromotionReportArgs): Promise<PromotionReportType> {
    return toPromotionReportType(await this.reports.report({ name: a.name, version: a.version, locale: a.locale, metric: a.metric, aggregation: a.aggregation }));
  }
}
