<#-- Step 1 of the "project-api-key-register" required action: name, project and expiry of a new API key. -->
<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError("name","project","expiresOn"); section>
<!-- template: project-api-key-register.ftl -->
    <#if section = "header">
        ${msg("apiKeyRegisterTitle")}
    <#elseif section = "form">
        <p class="${properties.kcContentWrapperClass!}">${msg("apiKeyRegisterIntro")}</p>
        <form id="kc-api-key-register-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate>
            <@field.input name="name" label=msg("apiKeyName") value=apiKeyForm.name required=true autofocus=true />

            <@field.group name="project" label=msg("apiKeyProject") error=messagesPerField.get("project") required=true>
                <span class="${properties.kcInputClass!} pf-m-select">
                    <select id="project" name="project" aria-invalid="<#if messagesPerField.existsError('project')>true</#if>">
                        <#list apiKeyForm.projects as p>
                            <option value="${p.id}"<#if p.id == apiKeyForm.project> selected</#if>>${p.name}</option>
                        </#list>
                    </select>
                    <span class="pf-v5-c-form-control__utilities">
                        <span class="pf-v5-c-form-control__toggle-icon"><i class="fas fa-caret-down" aria-hidden="true"></i></span>
                    </span>
                </span>
            </@field.group>

            <@field.group name="expiresOn" label=msg("apiKeyExpiresOn") error=messagesPerField.get("expiresOn") required=apiKeyForm.expiryRequired>
                <span class="${properties.kcInputClass!} <#if messagesPerField.existsError('expiresOn')>${properties.kcError!}</#if>">
                    <input id="expiresOn" name="expiresOn" type="date" value="${apiKeyForm.expiresOn}"
                           min="${apiKeyForm.minDate}" max="${apiKeyForm.maxDate}"
                           aria-invalid="<#if messagesPerField.existsError('expiresOn')>true</#if>"/>
                </span>
                <div class="${properties.kcFormHelperTextClass!}">
                    <div class="${properties.kcInputHelperTextClass!}">
                        <div class="${properties.kcInputHelperTextItemClass!}">
                            <span class="${properties.kcInputHelperTextItemTextClass!}">
                                <#if apiKeyForm.expiryRequired>${msg("apiKeyExpiryRequiredHelp", apiKeyForm.maxLifetimeDays)}<#elseif apiKeyForm.maxLifetimeDays gt 0>${msg("apiKeyExpiryDefaultHelp", apiKeyForm.maxLifetimeDays)}<#else>${msg("apiKeyExpiryNeverHelp")}</#if>
                            </span>
                        </div>
                    </div>
                </div>
            </@field.group>

            <@buttons.actionGroup horizontal=true>
                <@buttons.button name="create" id="kc-api-key-create" label="apiKeyCreate" fullWidth=false/>
                <#if isAppInitiatedAction??>
                    <@buttons.button name="cancel-aia" id="kc-api-key-cancel" label="doCancel" type="secondary" fullWidth=false formnovalidate="formnovalidate"/>
                </#if>
            </@buttons.actionGroup>
        </form>
    </#if>
</@layout.registrationLayout>
