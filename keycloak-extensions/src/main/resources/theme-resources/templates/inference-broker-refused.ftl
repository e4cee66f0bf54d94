<#-- Shown by the "inference-broker-admission" authenticator when the realm's allow-list refuses a person's institution. Works under any login theme. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false; section>
<!-- template: inference-broker-refused.ftl -->
    <#if section = "header">
        ${msg("inferenceBrokerRefusedTitle")}
    <#elseif section = "form">
        <div id="inference-broker-refused">
            <p class="instruction">${msg("inferenceBrokerRefusedMessage", inferenceInstitution, inferenceProvider)}</p>
            <p class="instruction">${msg("inferenceBrokerRefusedWhatToDo")}</p>
            <p><a id="inference-broker-try-again" href="${url.loginRestartFlowUrl}">${msg("inferenceBrokerRefusedTryAgain")}</a></p>
        </div>
    </#if>
</@layout.registrationLayout>
