import {
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Label,
  Text,
  TextContent,
  TextVariants,
  Title,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useTranslation } from "react-i18next";

import { otherLimits, windowRows, type LimitCell, type LimitsOverview, type ScopeLimits } from "./limits";

type FormatTime = (iso: string) => string;

const WINDOW_MESSAGES = {
  minute: "apiKeysLimitsMinute",
  hour: "apiKeysLimitsHour",
  day: "apiKeysLimitsDay",
  month: "apiKeysLimitsMonth",
} as const;

/** One cell: "No limit", "30 at most", "12 used, no limit" or "12 of 1,000 used, 988 left". */
const Cell = ({ cell }: { cell: LimitCell }) => {
  const { t } = useTranslation();
  switch (cell.kind) {
    case "unlimited":
      return <span className="pf-v5-u-color-200">{t("apiKeysLimitsNoLimit")}</span>;
    case "rate":
      return <>{t("apiKeysLimitsRate", { limit: cell.limit })}</>;
    case "used":
      return <>{t("apiKeysLimitsUsedNoLimit", { used: cell.used })}</>;
    default:
      return (
        <>
          {t("apiKeysLimitsBudget", { used: cell.used, limit: cell.limit, remaining: cell.remaining })}
          {cell.exhausted && (
            <Label color="red" isCompact className="pf-v5-u-ml-sm" data-testid="limits-exhausted">
              {t("apiKeysLimitsExhausted")}
            </Label>
          )}
        </>
      );
  }
};

/** The limits of one scope (the person, or a project): the windows, then concurrency and per-request caps. */
export const ScopeTable = ({
  scope,
  title,
  testId,
  locale,
  formatTime,
}: {
  scope: ScopeLimits;
  title: string;
  testId: string;
  locale: string;
  formatTime: FormatTime;
}) => {
  const { t } = useTranslation();
  const other = otherLimits(scope.limits, locale);
  const noLimit = t("apiKeysLimitsNoLimit");
  return (
    <section data-testid={testId} className="pf-v5-u-mb-lg">
      <Title headingLevel="h3" size="md" className="pf-v5-u-mb-sm">
        {title}
      </Title>
      <Table aria-label={title} variant="compact">
        <Thead>
          <Tr>
            <Th>{t("apiKeysLimitsWindow")}</Th>
            <Th>{t("apiKeysLimitsRequests")}</Th>
            <Th>{t("apiKeysLimitsTokens")}</Th>
          </Tr>
        </Thead>
        <Tbody>
          {windowRows(scope, locale).map((row) => (
            <Tr key={row.window} data-testid={`limits-${row.window}`}>
              <Td dataLabel={t("apiKeysLimitsWindow")}>
                {t(WINDOW_MESSAGES[row.window])}
                {row.resetsAt && (
                  <div className="pf-v5-u-font-size-sm pf-v5-u-color-200">
                    {t("apiKeysLimitsResets", { time: formatTime(row.resetsAt) })}
                  </div>
                )}
              </Td>
              <Td dataLabel={t("apiKeysLimitsRequests")} data-testid="limits-requests">
                <Cell cell={row.requests} />
              </Td>
              <Td dataLabel={t("apiKeysLimitsTokens")} data-testid="limits-tokens">
                <Cell cell={row.tokens} />
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <DescriptionList isHorizontal isCompact className="pf-v5-u-mt-md">
        <DescriptionListGroup>
          <DescriptionListTerm>{t("apiKeysLimitsConcurrent")}</DescriptionListTerm>
          <DescriptionListDescription data-testid="limits-concurrent">
            {other.concurrentPerModel ?? noLimit}
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("apiKeysLimitsMaxTokens")}</DescriptionListTerm>
          <DescriptionListDescription data-testid="limits-max-tokens">
            {other.maxTokensPerRequest ?? noLimit}
          </DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>{t("apiKeysLimitsMaxN")}</DescriptionListTerm>
          <DescriptionListDescription data-testid="limits-max-n">
            {other.maxNPerRequest ?? noLimit}
          </DescriptionListDescription>
        </DescriptionListGroup>
      </DescriptionList>
    </section>
  );
};

/** "Your limits": the person's limits and use, then each of their projects'. */
export const LimitsPanel = ({
  overview,
  locale,
  formatTime,
}: {
  overview: LimitsOverview;
  locale: string;
  formatTime: FormatTime;
}) => {
  const { t } = useTranslation();
  return (
    <div data-testid="limits-panel" className="pf-v5-u-mt-xl">
      <Title headingLevel="h2" size="lg" className="pf-v5-u-mb-sm">
        {t("apiKeysLimitsTitle")}
      </Title>
      <TextContent className="pf-v5-u-mb-md">
        <Text component={TextVariants.p}>{t("apiKeysLimitsIntro")}</Text>
        <Text component={TextVariants.small} data-testid="limits-as-of">
          {overview.usageAsOf
            ? t("apiKeysLimitsAsOf", { time: formatTime(overview.usageAsOf) })
            : t("apiKeysLimitsNoReport")}
        </Text>
      </TextContent>
      <ScopeTable
        scope={overview.user}
        title={t("apiKeysLimitsYou")}
        testId="limits-user"
        locale={locale}
        formatTime={formatTime}
      />
      {overview.projects.map((project) => (
        <ScopeTable
          key={project.id}
          scope={project}
          title={t("apiKeysLimitsProject", { name: project.name })}
          testId={`limits-project-${project.id}`}
          locale={locale}
          formatTime={formatTime}
        />
      ))}
    </div>
  );
};
